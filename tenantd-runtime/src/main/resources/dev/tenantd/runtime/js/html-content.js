// The content tokens HTMLRewriter hands to handlers: Element (with its attributes
// iterator), EndTag, Text, Comment, Doctype and DocumentEnd, as Workers have them. A
// token keeps its state only while its handler runs; what handlers change is kept
// as mutations on the open element (html-tokenizer.js entries) or on the token's
// state, and html-rewriter.js writes the output from them.
//
// Shared with other files:
//   htmlElement(state), htmlEndTag(state)      state: { entry } / { entry, closing }
//   htmlText(state), htmlComment(state)        state: { text, last, m, streams }
//   htmlDoctype(state), htmlDocumentEnd(state) state: { name, publicId, systemId } / { append }
//   htmlExpire(token)                          ends a token when its handler is done
//   htmlAttributesOf(entry)                    an element's attributes as changed so far
//   htmlEscapeText(text), htmlEscapeQuotes(value)
// Content to insert is kept as strings (escaped unless it is HTML) or as
// { stream, html } for streams and responses, read when the output reaches them.
let htmlElement;
let htmlEndTag;
let htmlText;
let htmlComment;
let htmlDoctype;
let htmlDocumentEnd;
let htmlExpire;
let htmlAttributesOf;
let htmlEscapeText;
let htmlEscapeQuotes;

{
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
  htmlElement = (state) => new Element(KEY, state);
  htmlEndTag = (state) => new EndTag(KEY, state);
  htmlText = (state) => new Text(KEY, state);
  htmlComment = (state) => new Comment(KEY, state);
  htmlDoctype = (state) => new Doctype(KEY, state);
  htmlDocumentEnd = (state) => new DocumentEnd(KEY, state);
  htmlExpire = expire;
  htmlAttributesOf = attributesOf;
  htmlEscapeText = escapeText;
  htmlEscapeQuotes = escapeQuotes;
}
