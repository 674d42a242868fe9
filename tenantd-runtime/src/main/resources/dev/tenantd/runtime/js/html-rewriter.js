// HTMLRewriter as Cloudflare Workers expose it: `new HTMLRewriter().on(selector,
// handlers).onDocument(handlers).transform(response)` answers at once with a
// Response whose body is rewritten while it streams. Each read of that body pulls
// one chunk of the original body through the tokenizer (html-tokenizer.js), awaits
// the handlers of its tokens in document order and enqueues what is final, so
// memory stays bounded by a chunk and a pending tag whatever the document's size.
// The content tokens (Element, EndTag, Text, Comment, Doctype, DocumentEnd) are
// valid only while their handler runs, as in Workers.
//
// The document is decoded with the charset of the response's Content-Type
// (UTF-8 when it names none, as Workers do; <meta charset> is not consulted) and
// written back in the same encoding.
{
  const ReadableStreamGetReader = uncurryThis(ReadableStream.prototype.getReader);
  const ReaderRead = uncurryThis(ReadableStreamDefaultReader.prototype.read);
  const ReaderCancel = uncurryThis(ReadableStreamDefaultReader.prototype.cancel);
  const ResponseGetType = uncurryThis(ObjectGetOwnPropertyDescriptor(Response.prototype, 'type').get);
  const CHARSET = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;
  const INVALID_TOKEN = 'This content token is no longer valid. Content tokens are only valid '
    + 'during the execution of the relevant content handler.';
  const KEY = Symbol('HTMLRewriter token');

  function escapeText(text) {
    let out = '';
    let last = 0;
    for (let i = 0; i < text.length; i++) {
      const c = StringPrototypeCharCodeAt(text, i);
      if (c === 0x26 || c === 0x3C || c === 0x3E) {
        out += StringPrototypeSlice(text, last, i) + (c === 0x26 ? '&amp;' : c === 0x3C ? '&lt;' : '&gt;');
        last = i + 1;
      }
    }
    return last === 0 ? text : out + StringPrototypeSlice(text, last);
  }

  function escapeQuotes(value) {
    let out = '';
    let last = 0;
    for (let i = 0; i < value.length; i++) {
      if (StringPrototypeCharCodeAt(value, i) === 0x22) {
        out += `${StringPrototypeSlice(value, last, i)}&quot;`;
        last = i + 1;
      }
    }
    return last === 0 ? value : out + StringPrototypeSlice(value, last);
  }

  function isHtml(options, what) {
    if (options === undefined || options === null) return false;
    if (typeof options !== 'object' && typeof options !== 'function') {
      throw new TypeError(`Failed to execute '${what}': parameter 2 is not of type 'ContentOptions'.`);
    }
    return !!options.html;
  }

  // What before(), after(), replace() and the like insert: a string (escaped unless
  // it is HTML), or a stream whose text is read when the output reaches it.
  function contentOf(content, options, streamsAllowed, what) {
    const html = isHtml(options, what);
    let stream = null;
    if (typeof content === 'object' && content !== null) {
      if (streams_isReadableStream(content)) {
        stream = content;
      } else {
        const body = body_ofResponse(content);
        if (body !== undefined) {
          stream = body_stream(body);
          if (stream === null) return '';
        }
      }
    }
    if (stream !== null) {
      if (!streamsAllowed) {
        throw new TypeError('Replacing content in HTML comments using a ReadableStream or Response object is not '
          + 'implemented. You must provide a string.');
      }
      return { stream, html };
    }
    const text = webIdlToString(content, 'content');
    return html ? text : escapeText(text);
  }

  function unshift(list, item) {
    for (let i = list.length; i > 0; i--) list[i] = list[i - 1];
    list[0] = item;
  }

  function checkName(name, what) {
    if (name === '') throw new TypeError(`Parser error: ${what} name can't be empty.`);
    for (let i = 0; i < name.length; i++) {
      const ch = name[i];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '/' || ch === '>'
        || (what === 'Attribute' && ch === '=')) {
        throw new TypeError(`Parser error: \`${ch}\` character is forbidden in the ${StringPrototypeToLowerCase(what) === 'tag' ? 'tag' : 'attribute'} name`);
      }
    }
  }

  let live;
  let expire;

  // The common part of every content token: its state, which is dropped when the
  // handler it was made for has finished.
  class Token {
    #state;

    constructor(key, state) {
      if (key !== KEY) throw new TypeError('Illegal constructor');
      this.#state = state;
    }

    static {
      live = (token) => {
        if (token === null || typeof token !== 'object' || !(#state in token)) throw new TypeError('Illegal invocation');
        if (token.#state === null) throw new TypeError(INVALID_TOKEN);
        return token.#state;
      };
      expire = (token) => {
        token.#state = null;
      };
    }
  }

  function mutationsOf(entry) {
    if (entry.mutations === null) {
      entry.mutations = {
        before: [], prepend: [], append: [], after: [], endBefore: [], endAfter: [], replacement: null,
        startRemoved: false, endRemoved: false, removeContent: false, name: null, endName: null, attrs: null,
        attrsVersion: 0, endTagHandler: null,
      };
    }
    return entry.mutations;
  }

  function attributesOf(entry) {
    const m = entry.mutations;
    return m !== null && m.attrs !== null ? m.attrs : htmlAttributes(entry);
  }

  function changeAttributes(entry) {
    const m = mutationsOf(entry);
    if (m.attrs === null) m.attrs = copyList(htmlAttributes(entry));
    m.attrsVersion++;
    return m.attrs;
  }

  class AttributesIterator {
    #element;
    #list;
    #version;
    #at = 0;

    constructor(key, element, list, version) {
      if (key !== KEY) throw new TypeError('Illegal constructor');
      this.#element = element;
      this.#list = list;
      this.#version = version;
    }

    next() {
      const state = live(this.#element);
      const m = state.entry.mutations;
      if ((m === null ? 0 : m.attrsVersion) !== this.#version) {
        throw new Error('The attributes of this element have been modified during iteration. '
          + 'You must create a new iterator after modifying attributes.');
      }
      if (this.#at >= this.#list.length) return { done: true, value: undefined };
      const attr = this.#list[this.#at++];
      return { done: false, value: [attr.name, attr.value] };
    }
  }
  ObjectSetPrototypeOf(AttributesIterator.prototype, fetchapi_ITERATOR_PROTOTYPE);
  webIdlClass(AttributesIterator);

  class Element extends Token {
    get tagName() {
      const { entry } = live(this);
      const m = entry.mutations;
      return m !== null && m.name !== null ? StringPrototypeToLowerCase(m.name) : entry.decode(entry.name);
    }

    set tagName(value) {
      const { entry } = live(this);
      const name = webIdlToString(value, 'tagName');
      checkName(name, 'Tag');
      const m = mutationsOf(entry);
      m.name = name;
      m.endName = name;
    }

    get attributes() {
      const { entry } = live(this);
      const m = entry.mutations;
      return new AttributesIterator(KEY, this, copyList(attributesOf(entry)), m === null ? 0 : m.attrsVersion);
    }

    get removed() {
      const m = live(this).entry.mutations;
      return m !== null && m.startRemoved;
    }

    get namespaceURI() {
      return live(this).entry.ns;
    }

    get canHaveContent() {
      return live(this).entry.canHaveContent;
    }

    getAttribute(name) {
      requireArguments(arguments.length, 1, "Failed to execute 'getAttribute' on 'Element'");
      const key = StringPrototypeToLowerCase(webIdlToString(name, 'name'));
      const attrs = attributesOf(live(this).entry);
      for (let i = 0; i < attrs.length; i++) if (attrs[i].name === key) return attrs[i].value;
      return null;
    }

    hasAttribute(name) {
      requireArguments(arguments.length, 1, "Failed to execute 'hasAttribute' on 'Element'");
      return this.getAttribute(name) !== null;
    }

    setAttribute(name, value) {
      requireArguments(arguments.length, 2, "Failed to execute 'setAttribute' on 'Element'");
      const { entry } = live(this);
      const key = StringPrototypeToLowerCase(webIdlToString(name, 'name'));
      const text = webIdlToString(value, 'value');
      checkName(key, 'Attribute');
      const attrs = changeAttributes(entry);
      for (let i = 0; i < attrs.length; i++) {
        if (attrs[i].name === key) {
          attrs[i] = { name: key, value: text, raw: null };
          return this;
        }
      }
      ArrayPrototypePush(attrs, { name: key, value: text, raw: null });
      return this;
    }

    removeAttribute(name) {
      requireArguments(arguments.length, 1, "Failed to execute 'removeAttribute' on 'Element'");
      const { entry } = live(this);
      const key = StringPrototypeToLowerCase(webIdlToString(name, 'name'));
      const attrs = changeAttributes(entry);
      for (let i = 0; i < attrs.length; i++) {
        if (attrs[i].name === key) {
          removeFromList(attrs, i);
          break;
        }
      }
      return this;
    }

    before(content, options = undefined) {
      const { entry } = live(this);
      ArrayPrototypePush(mutationsOf(entry).before, contentOf(content, options, true, "before' on 'Element"));
      return this;
    }

    after(content, options = undefined) {
      const { entry } = live(this);
      unshift(mutationsOf(entry).after, contentOf(content, options, true, "after' on 'Element"));
      return this;
    }

    prepend(content, options = undefined) {
      const { entry } = live(this);
      const item = contentOf(content, options, true, "prepend' on 'Element");
      if (entry.canHaveContent) unshift(mutationsOf(entry).prepend, item);
      return this;
    }

    append(content, options = undefined) {
      const { entry } = live(this);
      const item = contentOf(content, options, true, "append' on 'Element");
      if (entry.canHaveContent) ArrayPrototypePush(mutationsOf(entry).append, item);
      return this;
    }

    replace(content, options = undefined) {
      const { entry } = live(this);
      const item = contentOf(content, options, true, "replace' on 'Element");
      const m = mutationsOf(entry);
      m.replacement = item;
      m.startRemoved = true;
      m.endRemoved = true;
      m.removeContent = true;
      m.prepend.length = 0;
      m.append.length = 0;
      return this;
    }

    setInnerContent(content, options = undefined) {
      const { entry } = live(this);
      const item = contentOf(content, options, true, "setInnerContent' on 'Element");
      if (!entry.canHaveContent) return this;
      const m = mutationsOf(entry);
      m.prepend.length = 0;
      m.append.length = 0;
      m.prepend[0] = item;
      m.removeContent = true;
      return this;
    }

    remove() {
      const m = mutationsOf(live(this).entry);
      m.replacement = null;
      m.startRemoved = true;
      m.endRemoved = true;
      m.removeContent = true;
      m.prepend.length = 0;
      m.append.length = 0;
      return this;
    }

    removeAndKeepContent() {
      const m = mutationsOf(live(this).entry);
      m.startRemoved = true;
      m.endRemoved = true;
      return this;
    }

    onEndTag(handler) {
      requireArguments(arguments.length, 1, "Failed to execute 'onEndTag' on 'Element'");
      const { entry } = live(this);
      if (typeof handler !== 'function') {
        throw new TypeError("Failed to execute 'onEndTag' on 'Element': parameter 1 is not of type 'function'.");
      }
      if (!entry.canHaveContent) throw new TypeError('Parser error: No end tag.');
      // As in Workers, an element has one end tag handler: the last one given.
      mutationsOf(entry).endTagHandler = handler;
    }
  }
  webIdlClass(Element);

  class EndTag extends Token {
    get name() {
      const { entry, closing } = live(this);
      const m = entry.mutations;
      return m !== null && m.endName !== null ? StringPrototypeToLowerCase(m.endName) : entry.decode(closing);
    }

    set name(value) {
      const { entry } = live(this);
      const name = webIdlToString(value, 'name');
      checkName(name, 'Tag');
      mutationsOf(entry).endName = name;
    }

    before(content, options = undefined) {
      ArrayPrototypePush(mutationsOf(live(this).entry).endBefore, contentOf(content, options, true, "before' on 'EndTag"));
      return this;
    }

    after(content, options = undefined) {
      unshift(mutationsOf(live(this).entry).endAfter, contentOf(content, options, true, "after' on 'EndTag"));
      return this;
    }

    remove() {
      mutationsOf(live(this).entry).endRemoved = true;
      return this;
    }
  }
  webIdlClass(EndTag);

  function chunkMutations(state) {
    if (state.m === null) state.m = { before: [], after: [], replacement: null, removed: false, text: null };
    return state.m;
  }

  // Text and Comment share how they are inserted around, replaced and removed.
  class CharacterToken extends Token {
    get removed() {
      const m = live(this).m;
      return m !== null && m.removed;
    }

    before(content, options = undefined) {
      const state = live(this);
      ArrayPrototypePush(chunkMutations(state).before, contentOf(content, options, state.streams, "before' on 'Text"));
      return this;
    }

    after(content, options = undefined) {
      const state = live(this);
      unshift(chunkMutations(state).after, contentOf(content, options, state.streams, "after' on 'Text"));
      return this;
    }

    replace(content, options = undefined) {
      const state = live(this);
      const m = chunkMutations(state);
      m.replacement = contentOf(content, options, state.streams, "replace' on 'Text");
      m.removed = true;
      return this;
    }

    remove() {
      const m = chunkMutations(live(this));
      m.replacement = null;
      m.removed = true;
      return this;
    }
  }

  class Text extends CharacterToken {
    get text() {
      return live(this).text;
    }

    get lastInTextNode() {
      return live(this).last;
    }
  }
  webIdlClass(Text);

  class Comment extends CharacterToken {
    get text() {
      const state = live(this);
      return state.m !== null && state.m.text !== null ? state.m.text : state.text;
    }

    set text(value) {
      const state = live(this);
      const text = webIdlToString(value, 'text');
      if (StringPrototypeIncludes(text, '-->')) {
        throw new TypeError("Parser error: Comment text shouldn't contain comment closing sequence (`-->`).");
      }
      chunkMutations(state).text = text;
    }
  }
  webIdlClass(Comment);

  class Doctype extends Token {
    get name() {
      return live(this).name;
    }

    get publicId() {
      return live(this).publicId;
    }

    get systemId() {
      return live(this).systemId;
    }
  }
  webIdlClass(Doctype);

  class DocumentEnd extends Token {
    append(content, options = undefined) {
      ArrayPrototypePush(live(this).append, contentOf(content, options, false, "append' on 'DocumentEnd"));
      return this;
    }
  }
  webIdlClass(DocumentEnd);

  let rewriteRun;

  function handlersOf(handlers, names, type) {
    if (handlers === undefined || handlers === null) return {};
    if (typeof handlers !== 'object' && typeof handlers !== 'function') {
      throw new TypeError(`Incorrect type: the provided value is not of type '${type}'.`);
    }
    const found = {};
    for (let i = 0; i < names.length; i++) {
      const fn = handlers[names[i]];
      if (fn === undefined) continue;
      if (typeof fn !== 'function') {
        throw new TypeError(`Incorrect type for the '${names[i]}' field on '${type}': the provided value is not of type 'function'.`);
      }
      found[names[i]] = fn;
    }
    return found;
  }

  function registration(selector, handlers, fns) {
    return {
      selector, thisArg: handlers, active: 0, element: fns.element, comments: fns.comments, text: fns.text,
      doctype: fns.doctype, end: fns.end,
    };
  }

  class HTMLRewriter {
    #registrations = [];

    on(selector, handlers) {
      const what = "Failed to execute 'on' on 'HTMLRewriter'";
      requireArguments(arguments.length, 2, what);
      const parsed = htmlSelectorParse(webIdlToString(selector, what));
      const fns = handlersOf(handlers, ['element', 'comments', 'text'], 'ElementContentHandlers');
      ArrayPrototypePush(this.#registrations, registration(parsed, handlers, fns));
      return this;
    }

    onDocument(handlers) {
      const what = "Failed to execute 'onDocument' on 'HTMLRewriter'";
      requireArguments(arguments.length, 1, what);
      const fns = handlersOf(handlers, ['doctype', 'comments', 'text', 'end'], 'DocumentContentHandlers');
      ArrayPrototypePush(this.#registrations, registration(null, handlers, fns));
      return this;
    }

    transform(response) {
      const what = "Failed to execute 'transform' on 'HTMLRewriter'";
      requireArguments(arguments.length, 1, what);
      const body = body_ofResponse(response);
      if (body === undefined) throw new TypeError(`${what}: parameter 1 is not of type 'Response'.`);
      if (ResponseGetType(response) === 'error') throw new TypeError('HTMLRewriter cannot transform an error response');
      if (body_isUnusable(body)) throw new TypeError(`${what}: ${body_USED}`);
      const input = body_stream(body);
      if (input === null) return response;
      const parts = body_responseParts(response);
      // The rewritten body has another length, so the original one is not passed on.
      const flat = [];
      for (let i = 0; i < parts.headers.length; i += 2) {
        if (parts.headers[i] !== 'content-length') ArrayPrototypePush(flat, parts.headers[i], parts.headers[i + 1]);
      }
      const headers = headersFromFlat(flat);
      const codec = codecFor(headersGet(headers, 'content-type'));
      const registrations = [];
      for (let i = 0; i < this.#registrations.length; i++) {
        const reg = this.#registrations[i];
        ArrayPrototypePush(registrations, registration(reg.selector, reg.thisArg, reg));
      }
      const run = rewriteRun(registrations, codec, ReadableStreamGetReader(input));
      const output = streams_newReadable({
        type: 'bytes',
        pull: (controller) => run.pull(controller),
        cancel: (reason) => run.cancel(reason),
      }, { highWaterMark: 0 });
      return body_makeResponse(parts.status, parts.statusText, headers, body_fromStream(output), '', false);
    }
  }
  webIdlClass(HTMLRewriter);
  defineGlobal('HTMLRewriter', HTMLRewriter);

  // ---------------------------------------------------------------- encodings

  const WINDOWS_1252_BYTES = new SafeMap();
  for (let i = 0; i < 32; i++) WINDOWS_1252_BYTES.set(enc_windows1252[i], 0x80 + i);

  function windows1252Encode(text) {
    const parts = [];
    let total = 0;
    let bytes = new Uint8Array(text.length);
    let o = 0;
    for (let i = 0; i < text.length; i++) {
      const c = StringPrototypeCharCodeAt(text, i);
      const mapped = c < 0x80 || (c >= 0xA0 && c <= 0xFF) ? c : WINDOWS_1252_BYTES.get(c);
      if (mapped !== undefined) {
        bytes[o++] = mapped;
        continue;
      }
      // Characters the encoding lacks become numeric character references.
      const cp = StringPrototypeCodePointAt(text, i);
      if (cp > 0xFFFF) i++;
      const reference = `&#${cp};`;
      ArrayPrototypePush(parts, bytesView(bytes, 0, o));
      total += o;
      const encoded = new Uint8Array(reference.length);
      for (let j = 0; j < reference.length; j++) encoded[j] = StringPrototypeCharCodeAt(reference, j);
      ArrayPrototypePush(parts, encoded);
      total += reference.length;
      bytes = new Uint8Array(text.length - i);
      o = 0;
    }
    ArrayPrototypePush(parts, bytesView(bytes, 0, o));
    total += o;
    return concatBytes(parts, total);
  }

  const NON_ASCII = /[\x80-\xff]/;

  // A byte string (one character per byte) as bytes.
  function bytesOfByteString(text) {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = StringPrototypeCharCodeAt(text, i);
    return bytes;
  }

  function byteStringOf(bytes) {
    return enc_unitsToString(bytes, TypedArrayPrototypeGetLength(bytes), '');
  }

  // How the document's bytes become the strings handlers see, and inserted strings bytes.
  function codecFor(contentType) {
    let label = 'utf-8';
    if (contentType !== null) {
      const m = RegExpPrototypeExec(CHARSET, contentType);
      if (m !== null) label = m[1] ?? m[2];
    }
    const encoding = enc_labels.get(enc_normalizeLabel(label));
    let decodeBytes;
    let encode;
    if (encoding === 'utf-8') {
      decodeBytes = (bytes) => enc_utf8DecodeInto(bytes, enc_newUtf8State(), false, true);
      encode = utf8Encode;
    } else if (encoding === 'windows-1252') {
      decodeBytes = enc_windows1252Decode;
      encode = windows1252Encode;
    } else if (encoding === 'utf-16le' || encoding === 'utf-16be') {
      throw new TypeError('Parser error: Expected ASCII-compatible encoding.');
    } else {
      throw new TypeError('Parser error: Unknown character encoding has been provided.');
    }
    return {
      utf8: encoding === 'utf-8',
      encode,
      // ASCII reads the same in every encoding supported here, and is the common case.
      decode: (byteString) => (regExpTest(NON_ASCII, byteString) ? decodeBytes(bytesOfByteString(byteString)) : byteString),
    };
  }

  // ---------------------------------------------------------------- the run

  // Calls a handler with its token and ends the token when the handler is done: at
  // once, or when the promise it returned settles (which the caller then awaits).
  function invoke(fn, thisArg, token) {
    let result;
    try {
      result = ReflectApply(fn, thisArg, [token]);
    } catch (error) {
      expire(token);
      throw error;
    }
    if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof result.then === 'function') {
      return settle(result, token);
    }
    expire(token);
    return undefined;
  }

  async function settle(result, token) {
    try {
      await result;
    } finally {
      expire(token);
    }
  }

  async function streamText(item) {
    const bytes = await readAllBytes(item.stream);
    let text;
    try {
      text = enc_utf8DecodeInto(bytes, enc_newUtf8State(), true, true);
    } catch {
      throw new TypeError('Parser error: Invalid UTF-8');
    }
    return item.html ? text : escapeText(text);
  }

  // One transformation: pulls the input as its output is read. The handling of a
  // token has two steps: its handlers are called (each awaited if it returns a
  // promise), then its output is written from the mutations they made. Output is a
  // list of byte ranges of the input (what passes through), strings (what was
  // inserted or rewritten) and streams to insert, read when the chunk is done.
  class Run {
    constructor(registrations, codec, reader) {
      this.tokenizer = new HtmlTokenizer(registrations, codec.decode, codec.utf8);
      this.registrations = registrations;
      this.codec = codec;
      this.reader = reader;
      this.out = [];
      this.streams = false;
      this.suppress = 0;
      this.buf = '';
      this.bytes = null;
      this.pending = null;
      this.rawStart = -1;
      this.rawEnd = -1;
      this.finished = false;
    }

    push(text) {
      if (this.suppress === 0 && text.length > 0) {
        this.flushRaw();
        ArrayPrototypePush(this.out, text);
      }
    }

    // Input bytes to copy: adjacent ranges are joined, so that a chunk nobody changed
    // is copied at once.
    pushRaw(start, end) {
      if (this.suppress > 0 || end <= start) return;
      if (start !== this.rawEnd) {
        this.flushRaw();
        this.rawStart = start;
      }
      this.rawEnd = end;
    }

    flushRaw() {
      if (this.rawEnd > this.rawStart) ArrayPrototypePush(this.out, bytesView(this.bytes, this.rawStart, this.rawEnd));
      this.rawStart = this.rawEnd = -1;
    }

    emit(list) {
      if (this.suppress > 0) return;
      this.flushRaw();
      for (let i = 0; i < list.length; i++) {
        const item = list[i];
        if (typeof item === 'string') {
          if (item.length > 0) ArrayPrototypePush(this.out, item);
        } else {
          this.streams = true;
          ArrayPrototypePush(this.out, item);
        }
      }
    }

    // The output so far as one new Uint8Array (a fresh one: enqueueing it detaches it).
    async takeOutput() {
      this.flushRaw();
      const out = this.out;
      let total = 0;
      // UTF-8 strings are written straight into the result rather than encoded one by one.
      const utf8 = this.codec.utf8;
      for (let i = 0; i < out.length; i++) {
        let item = out[i];
        if (typeof item === 'object' && !ArrayBufferIsView(item)) item = await streamText(item);
        if (typeof item === 'string' && !utf8) item = this.codec.encode(item);
        out[i] = item;
        total += typeof item === 'string' ? enc_utf8Length(item) : TypedArrayPrototypeGetLength(item);
      }
      const bytes = new Uint8Array(total);
      let at = 0;
      for (let i = 0; i < out.length; i++) {
        const item = out[i];
        if (typeof item === 'string') {
          at += enc_utf8Write(item, 0, bytes, at).written;
        } else {
          TypedArrayPrototypeSet(bytes, item, at);
          at += TypedArrayPrototypeGetLength(item);
        }
      }
      out.length = 0;
      this.streams = false;
      return bytes;
    }

    async pull(controller) {
      try {
        for (;;) {
          const step = await ReaderRead(this.reader);
          let bytes;
          if (step.done) {
            bytes = new Uint8Array(0);
          } else {
            const value = step.value;
            if (ArrayBufferIsView(value)) bytes = viewBytes(value);
            else if (isArrayBuffer(value)) bytes = new Uint8Array(value);
            else throw new TypeError('This ReadableStream did not return bytes.');
          }
          const parsed = this.tokenizer.feed(byteStringOf(bytes), step.done);
          this.bytes = this.pending === null ? bytes
            : concatBytes([this.pending, bytes], TypedArrayPrototypeGetLength(this.pending) + TypedArrayPrototypeGetLength(bytes));
          await this.process(parsed);
          const left = TypedArrayPrototypeGetLength(this.bytes) - parsed.consumed;
          this.pending = left > 0 ? new Uint8Array(bytesView(this.bytes, parsed.consumed, parsed.consumed + left)) : null;
          const output = await this.takeOutput();
          const length = TypedArrayPrototypeGetLength(output);
          if (length > 0) streams_enqueue(controller, output);
          if (step.done) {
            this.finished = true;
            streams_close(controller);
            return;
          }
          if (length > 0) return;
        }
      } catch (error) {
        this.finished = true;
        PromisePrototypeThen(ReaderCancel(this.reader, error), undefined, () => {});
        throw error;
      }
    }

    cancel(reason) {
      if (this.finished) return undefined;
      this.finished = true;
      return ReaderCancel(this.reader, reason);
    }

    async process(parsed) {
      const { buf, tokens, consumed } = parsed;
      this.buf = buf;
      let copyFrom = 0;
      for (let t = 0; t < tokens.length; t++) {
        const token = tokens[t];
        if (token.type === HTML_START && token.entry.regs === null) continue;
        this.pushRaw(copyFrom, token.start);
        const calls = this.prepare(token);
        for (let i = 0; i < calls.length; i += 3) {
          const pending = invoke(calls[i], calls[i + 1], calls[i + 2]);
          if (pending !== undefined) await pending;
        }
        this.output(token);
        copyFrom = token.end;
      }
      this.pushRaw(copyFrom, consumed);
    }

    // The handler calls a token asks for, as [fn, this, token, ...].
    prepare(token) {
      const calls = [];
      const decode = this.codec.decode;
      switch (token.type) {
        case HTML_START: {
          const entry = token.entry;
          const regs = entry.regs;
          for (let i = 0; i < regs.length; i++) {
            if (regs[i].element !== undefined) ArrayPrototypePush(calls, regs[i].element, regs[i].thisArg, new Element(KEY, { entry }));
          }
          break;
        }
        case HTML_END: {
          // Elements the end tag closes without being theirs (`<div><p>x</div>`) take it as
          // their end tag too: their end tag handlers see it, and what they append and put
          // after go around it.
          const implicit = token.implicit;
          for (let i = 0; i <= implicit.length; i++) {
            const entry = i < implicit.length ? implicit[i] : token.entry;
            const m = entry.mutations;
            if (m === null) continue;
            if (m.removeContent) this.suppress--;
            if (m.endTagHandler !== null) {
              ArrayPrototypePush(calls, m.endTagHandler, undefined, new EndTag(KEY, { entry, closing: token.name }));
              m.endTagHandler = null;
            }
          }
          break;
        }
        case HTML_TEXT:
        case HTML_COMMENT: {
          const text = token.type === HTML_TEXT;
          const state = text
            ? { text: decode(StringPrototypeSlice(this.buf, token.start, token.end)), last: token.last, m: null, streams: true }
            : { text: decode(token.text), m: null, streams: false };
          token.state = state;
          const handlers = token.handlers;
          for (let i = 0; i < handlers.length; i++) {
            const reg = handlers[i];
            ArrayPrototypePush(calls, text ? reg.text : reg.comments, reg.thisArg,
              text ? new Text(KEY, state) : new Comment(KEY, state));
          }
          break;
        }
        case HTML_DOCTYPE: {
          const regs = this.registrations;
          const orNull = (value) => (value === null ? null : decode(value));
          for (let i = 0; i < regs.length; i++) {
            if (regs[i].selector === null && regs[i].doctype !== undefined) {
              ArrayPrototypePush(calls, regs[i].doctype, regs[i].thisArg, new Doctype(KEY,
                { name: orNull(token.name), publicId: orNull(token.publicId), systemId: orNull(token.systemId) }));
            }
          }
          break;
        }
        default: {
          // Elements still open at the end have no end tag: what they would put at it is dropped.
          this.suppress = 0;
          token.appended = [];
          const regs = this.registrations;
          for (let i = 0; i < regs.length; i++) {
            if (regs[i].selector === null && regs[i].end !== undefined) {
              ArrayPrototypePush(calls, regs[i].end, regs[i].thisArg, new DocumentEnd(KEY, { append: token.appended }));
            }
          }
        }
      }
      return calls;
    }

    output(token) {
      switch (token.type) {
        case HTML_START: this.startOutput(token); break;
        case HTML_END: this.endOutput(token); break;
        case HTML_TEXT:
        case HTML_COMMENT: {
          const m = token.state.m;
          if (m === null) {
            this.pushRaw(token.start, token.end);
            break;
          }
          this.emit(m.before);
          if (!m.removed) {
            if (m.text === null) this.pushRaw(token.start, token.end);
            else this.push(`<!--${m.text}-->`);
          } else if (m.replacement !== null) {
            this.emit([m.replacement]);
          }
          this.emit(m.after);
          break;
        }
        case HTML_DOCTYPE: this.pushRaw(token.start, token.end); break;
        default: this.emit(token.appended);
      }
    }

    startOutput(token) {
      const entry = token.entry;
      const m = entry.mutations;
      if (m === null) {
        this.pushRaw(token.start, token.end);
        return;
      }
      this.emit(m.before);
      if (!m.startRemoved) {
        if (m.name === null && m.attrs === null) this.pushRaw(token.start, token.end);
        else this.push(this.startTag(token, entry, m));
      } else if (m.replacement !== null) {
        this.emit([m.replacement]);
      }
      this.emit(entry.canHaveContent ? m.prepend : m.after);
      if (m.removeContent && entry.canHaveContent) this.suppress++;
    }

    startTag(token, entry, m) {
      const decode = this.codec.decode;
      let tag = `<${m.name ?? decode(StringPrototypeSlice(this.buf, token.start + 1, token.start + 1 + entry.name.length))}`;
      const attrs = attributesOf(entry);
      for (let i = 0; i < attrs.length; i++) {
        const attr = attrs[i];
        tag += attr.raw !== null ? ` ${decode(attr.raw)}` : ` ${attr.name}="${escapeQuotes(attr.value)}"`;
      }
      return tag + (token.selfClosing ? ' />' : '>');
    }

    endOutput(token) {
      const implicit = token.implicit;
      let removed = false;
      for (let i = 0; i <= implicit.length; i++) {
        const m = (i < implicit.length ? implicit[i] : token.entry).mutations;
        if (m === null) continue;
        this.emit(m.append);
        this.emit(m.endBefore);
        if (m.endRemoved && i === implicit.length) removed = true;
      }
      const own = token.entry.mutations;
      if (!removed) {
        if (own === null || own.endName === null) this.pushRaw(token.start, token.end);
        else this.push(`</${own.endName}>`);
      }
      for (let i = implicit.length; i >= 0; i--) {
        const m = (i < implicit.length ? implicit[i] : token.entry).mutations;
        if (m === null) continue;
        this.emit(m.endAfter);
        this.emit(m.after);
      }
    }
  }

  rewriteRun = (registrations, codec, reader) => new Run(registrations, codec, reader);
}
