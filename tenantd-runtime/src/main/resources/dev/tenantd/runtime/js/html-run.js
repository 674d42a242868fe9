// The run behind HTMLRewriter.transform (html-rewriter.js): decodes the document
// in the charset of the response's Content-Type, feeds it chunk by chunk to the
// tokenizer, awaits the handlers of its tokens in document order and writes out what
// is final, in the same encoding.
//
// Shared with other files:
//   htmlCodecFor(contentType) -> { decode, encode, utf8 }: the document's charset
//   HtmlRun(registrations, codec, reader): run.pull(controller), run.cancel(reason),
//       the source of the rewritten body

let htmlCodecFor;
let HtmlRun;
{
  const CHARSET = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

  // ---------------------------------------------------------------- encodings

  const WINDOWS_1252_BYTES = new SafeMap();
  const WINDOWS_1252_UNITS = enc_windows1252();
  for (let i = 0; i < 32; i++) WINDOWS_1252_BYTES.set(WINDOWS_1252_UNITS[i], 0x80 + i);

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
    const encoding = enc_encodingOf(label);
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
      htmlExpire(token);
      throw error;
    }
    if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof result.then === 'function') {
      return settle(result, token);
    }
    htmlExpire(token);
    return undefined;
  }

  async function settle(result, token) {
    try {
      await result;
    } finally {
      htmlExpire(token);
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
    return item.html ? text : htmlEscapeText(text);
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
          const step = await htmlReaderRead(this.reader);
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
        PromisePrototypeThen(htmlReaderCancel(this.reader, error), undefined, () => {});
        throw error;
      }
    }

    cancel(reason) {
      if (this.finished) return undefined;
      this.finished = true;
      return htmlReaderCancel(this.reader, reason);
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
            if (regs[i].element !== undefined) ArrayPrototypePush(calls, regs[i].element, regs[i].thisArg, htmlElement({ entry }));
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
              ArrayPrototypePush(calls, m.endTagHandler, undefined, htmlEndTag({ entry, closing: token.name }));
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
              text ? htmlText(state) : htmlComment(state));
          }
          break;
        }
        case HTML_DOCTYPE: {
          const regs = this.registrations;
          const orNull = (value) => (value === null ? null : decode(value));
          for (let i = 0; i < regs.length; i++) {
            if (regs[i].selector === null && regs[i].doctype !== undefined) {
              ArrayPrototypePush(calls, regs[i].doctype, regs[i].thisArg, htmlDoctype(
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
              ArrayPrototypePush(calls, regs[i].end, regs[i].thisArg, htmlDocumentEnd({ append: token.appended }));
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
      const attrs = htmlAttributesOf(entry);
      for (let i = 0; i < attrs.length; i++) {
        const attr = attrs[i];
        tag += attr.raw !== null ? ` ${decode(attr.raw)}` : ` ${attr.name}="${htmlEscapeQuotes(attr.value)}"`;
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

  htmlCodecFor = codecFor;
  HtmlRun = Run;
}
