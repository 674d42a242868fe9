// The streaming HTML tokenizer behind HTMLRewriter. It is fed the document chunk by
// chunk as a byte string (one character per byte, so offsets are byte offsets and
// what passes through untouched is copied as bytes, never decoded and encoded
// again), keeps back only a markup token that is not complete yet (never text),
// tracks the open elements (with the simplified rules of a streaming rewriter: an
// end tag closes up to the nearest open element of its name, void elements and
// self-closing foreign elements have no content, nothing is reparented), matches
// start tags against the selectors, and returns the tokens somebody has a handler
// for. Everything between those tokens passes through untouched.
//
// Shared with other files:
//   HtmlTokenizer(registrations, decode, utf8)
//                                    registrations: [{ selector (null for onDocument),
//                                    element, comments, text, doctype, end, active }];
//                                    decode(byteString) -> string in the document's encoding;
//                                    utf8: whether text chunks must not split a UTF-8 sequence
//   htmlAttributes(entry) -> [{ name, value, raw }] of an open element (parsed when first
//                                    asked for; raw is the attribute's source, a byte string)
//   tokenizer.feed(text, final) -> { buf, tokens, consumed }: tokens cover ranges of
//     buf; buf[0..consumed) is done, the rest is kept for the next call.
//   HTML_START, HTML_END, HTML_TEXT, HTML_COMMENT, HTML_DOCTYPE, HTML_EOF  token types
//   HTML_NS_HTML                      the HTML namespace URI
const HTML_START = 1;
const HTML_END = 2;
const HTML_TEXT = 3;
const HTML_COMMENT = 4;
const HTML_DOCTYPE = 5;
const HTML_EOF = 6;
const HTML_NS_HTML = 'http://www.w3.org/1999/xhtml';
let HtmlTokenizer;
let htmlAttributes;

{
  const NS_SVG = 'http://www.w3.org/2000/svg';
  const NS_MATHML = 'http://www.w3.org/1998/Math/MathML';
  const VOID = new SafeSet();
  const RAW_TEXT = new SafeSet();
  {
    const voids = ['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr', 'img', 'input',
      'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr'];
    for (let i = 0; i < voids.length; i++) VOID.add(voids[i]);
    const raw = ['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes'];
    for (let i = 0; i < raw.length; i++) RAW_TEXT.add(raw[i]);
  }
  // Markup not finished within this many characters is refused rather than kept
  // growing (a tag or comment that never ends).
  const MAX_PENDING = 3 * 1024 * 1024;
  const INCOMPLETE = -1;
  const NOT_MARKUP = -2;
  const DATA = 0;
  const RAW = 1;
  const PLAINTEXT = 2;
  const DOCTYPE_PARTS = /^\s*([^\s>]*)\s*(?:(?:public\s*(?:"([^"]*)"|'([^']*)'))?\s*(?:"([^"]*)"|'([^']*)')?|system\s*(?:"([^"]*)"|'([^']*)'))?/i;

  function isSpace(c) {
    return c === 0x20 || c === 0x0A || c === 0x09 || c === 0x0C || c === 0x0D;
  }

  function isLetter(c) {
    return (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A);
  }

  const ASCII_UPPER = /[A-Z]/;

  // ASCII lowercase only: a byte string's other characters are parts of UTF-8 sequences.
  function lower(text) {
    if (!regExpTest(ASCII_UPPER, text)) return text;
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const c = StringPrototypeCharCodeAt(text, i);
      out += c >= 0x41 && c <= 0x5A ? StringFromCharCode(c + 32) : text[i];
    }
    return out;
  }

  function newEntry(name, ns, attrSource, parent, decode) {
    return {
      name, ns, attrs: null, attrSource, decode, parent, index: 0, typeIndex: 0, childCount: 0, typeCounts: null,
      memo: null, regs: null, mutations: null, canHaveContent: true, fresh: true,
    };
  }

  // A copy of `text` that holds no reference to the string it was cut from. An element
  // that stays open past its chunk keeps its attributes; a slice would keep the whole
  // chunk alive with them, and a deep document every chunk.
  function detached(text) {
    if (text.length < 13) return text;
    let out = '';
    const codes = [];
    for (let i = 0; i < text.length; i += 4096) {
      const end = MathMin(i + 4096, text.length);
      codes.length = 0;
      for (let j = i; j < end; j++) codes[j - i] = StringPrototypeCharCodeAt(text, j);
      out += ReflectApply(StringFromCharCode, null, codes);
    }
    return out;
  }

  function copyTag(tag) {
    return {
      type: tag.type, start: tag.start, end: tag.end, name: tag.name, attrSource: tag.attrSource,
      selfClosing: tag.selfClosing, entry: tag.entry, implicit: tag.implicit,
    };
  }

  // Reads the attributes of a tag from buf[i..] up to its '>'. Returns the index after
  // the tag or INCOMPLETE; `scan.selfClosing` tells whether it ended with '/>' and
  // `scan.attrsEnd` where the attributes end. With a list, the attributes are
  // collected into it as name, value, raw (byte strings).
  const scan = { selfClosing: false, attrsEnd: 0 };
  function scanAttributes(buf, i, list) {
    const n = buf.length;
    for (;;) {
      while (i < n && isSpace(StringPrototypeCharCodeAt(buf, i))) i++;
      if (i >= n) return INCOMPLETE;
      let c = StringPrototypeCharCodeAt(buf, i);
      if (c === 0x3E) {
        scan.selfClosing = false;
        scan.attrsEnd = i;
        return i + 1;
      }
      if (c === 0x2F) {
        if (i + 1 >= n) return INCOMPLETE;
        if (StringPrototypeCharCodeAt(buf, i + 1) === 0x3E) {
          scan.selfClosing = true;
          scan.attrsEnd = i;
          return i + 2;
        }
        i++;
        continue;
      }
      const attrStart = i;
      i++;
      while (i < n) {
        c = StringPrototypeCharCodeAt(buf, i);
        if (isSpace(c) || c === 0x2F || c === 0x3E || c === 0x3D) break;
        i++;
      }
      if (i >= n) return INCOMPLETE;
      const nameEnd = i;
      let j = i;
      while (j < n && isSpace(StringPrototypeCharCodeAt(buf, j))) j++;
      if (j >= n) return INCOMPLETE;
      let valueStart = -1;
      let valueEnd = -1;
      if (StringPrototypeCharCodeAt(buf, j) === 0x3D) {
        j++;
        while (j < n && isSpace(StringPrototypeCharCodeAt(buf, j))) j++;
        if (j >= n) return INCOMPLETE;
        c = StringPrototypeCharCodeAt(buf, j);
        if (c === 0x22 || c === 0x27) {
          const close = StringPrototypeIndexOf(buf, c === 0x22 ? '"' : "'", j + 1);
          if (close === -1) return INCOMPLETE;
          valueStart = j + 1;
          valueEnd = close;
          i = close + 1;
        } else if (c === 0x3E) {
          i = j;
        } else {
          valueStart = j;
          while (j < n) {
            c = StringPrototypeCharCodeAt(buf, j);
            if (isSpace(c) || c === 0x3E) break;
            j++;
          }
          if (j >= n) return INCOMPLETE;
          valueEnd = j;
          i = j;
        }
      }
      if (list !== null) {
        ArrayPrototypePush(list, StringPrototypeSlice(buf, attrStart, nameEnd),
          valueStart === -1 ? '' : StringPrototypeSlice(buf, valueStart, valueEnd), StringPrototypeSlice(buf, attrStart, i));
      }
    }
  }

  htmlAttributes = (entry) => {
    if (entry.attrs !== null) return entry.attrs;
    const found = [];
    scanAttributes(`${entry.attrSource}>`, 0, found);
    const attrs = [];
    const decode = entry.decode;
    for (let i = 0; i < found.length; i += 3) {
      ArrayPrototypePush(attrs, { name: decode(lower(found[i])), value: decode(found[i + 1]), raw: found[i + 2] });
    }
    entry.attrs = attrs;
    return attrs;
  };

  HtmlTokenizer = class HtmlTokenizer {
    constructor(registrations, decode, utf8) {
      this.regs = registrations;
      this.decode = decode;
      this.utf8 = utf8;
      this.elementRegs = [];
      this.wants = { text: false, comments: false, doctype: false };
      this.countTypes = false;
      for (let i = 0; i < registrations.length; i++) {
        const reg = registrations[i];
        if (reg.selector !== null) {
          ArrayPrototypePush(this.elementRegs, reg);
          if (htmlSelectorCountsTypes(reg.selector)) this.countTypes = true;
        }
        else {
          if (reg.text !== undefined) this.wants.text = true;
          if (reg.comments !== undefined) this.wants.comments = true;
          if (reg.doctype !== undefined) this.wants.doctype = true;
        }
      }
      this.activeText = 0; // open matched elements with a text handler
      this.activeComments = 0;
      this.pending = '';
      this.mode = DATA;
      this.rawName = '';
      this.root = newEntry(null, HTML_NS_HTML, '', null, decode);
      this.stack = [this.root];
      this.depth = 1;
      this.textOpen = false;
      this.tokens = null;
      this.scratch = copyTag({ type: 0, start: 0, end: 0, name: '', attrSource: '', selfClosing: false, entry: null, implicit: null });
    }

    // Handlers of `kind` ('text' or 'comments') that apply now, in registration order.
    handlersFor(kind) {
      const list = [];
      const regs = this.regs;
      for (let i = 0; i < regs.length; i++) {
        const reg = regs[i];
        if (reg[kind] !== undefined && (reg.selector === null || reg.active > 0)) ArrayPrototypePush(list, reg);
      }
      return list;
    }

    wantsText() {
      return this.wants.text || this.activeText > 0;
    }

    feed(chunk, final) {
      const buf = this.pending === '' ? chunk : this.pending + chunk;
      this.tokens = [];
      const n = buf.length;
      let at = 0;
      let textStart = 0;
      let consumed = n;
      while (at < n) {
        let lt;
        if (this.mode === DATA) {
          lt = StringPrototypeIndexOf(buf, '<', at);
        } else if (this.mode === RAW) {
          lt = StringPrototypeIndexOf(buf, '</', at);
        } else {
          lt = -1;
        }
        if (lt === -1) {
          // A '<' at the very end may begin the end tag of raw text in the next chunk.
          if (this.mode === RAW && !final && buf[n - 1] === '<') consumed = n - 1;
          at = n;
          break;
        }
        const token = this.mode === RAW ? this.rawTextEnd(buf, lt, final) : this.markup(buf, lt, final);
        if (token === INCOMPLETE) {
          if (n - lt > MAX_PENDING) throw new TypeError('Parser error: The memory limit has been exceeded.');
          consumed = lt;
          break;
        }
        if (token === NOT_MARKUP) {
          at = lt + 1;
          continue;
        }
        this.text(textStart, lt);
        this.endText(lt);
        this.take(token);
        at = textStart = token.end;
      }
      if (!final && this.utf8 && consumed > textStart && this.wantsText()) consumed = this.wholeSequences(buf, textStart, consumed);
      this.text(textStart, consumed);
      if (final) {
        this.endText(consumed);
        const open = [];
        for (let i = this.depth - 1; i > 0; i--) ArrayPrototypePush(open, this.stack[i]);
        this.close(open);
        ArrayPrototypePush(this.tokens, { type: HTML_EOF, start: consumed, end: consumed, implicit: open });
      }
      this.pending = consumed < n ? StringPrototypeSlice(buf, consumed) : '';
      this.detachOpenElements();
      return { buf, tokens: this.tokens, consumed };
    }

    // The elements opened in this chunk that are still open keep copies of their names
    // and attributes rather than slices of the chunk.
    detachOpenElements() {
      for (let i = this.depth - 1; i > 0 && this.stack[i].fresh; i--) {
        const entry = this.stack[i];
        entry.fresh = false;
        entry.name = detached(entry.name);
        entry.attrSource = detached(entry.attrSource);
        const attrs = entry.attrs;
        if (attrs === null) continue;
        for (let a = 0; a < attrs.length; a++) {
          attrs[a] = { name: detached(attrs[a].name), value: detached(attrs[a].value), raw: detached(attrs[a].raw) };
        }
      }
    }

    // `end`, or where a UTF-8 sequence that `end` would cut begins: a text chunk
    // handed to a handler holds whole characters.
    wholeSequences(buf, start, end) {
      for (let back = 1; back <= 3 && end - back >= start; back++) {
        const c = StringPrototypeCharCodeAt(buf, end - back);
        if (c < 0x80) return end;
        if (c >= 0xC0) return (c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2) > back ? end - back : end;
      }
      return end;
    }

    text(start, end) {
      if (end > start && this.wantsText()) {
        this.textOpen = true;
        ArrayPrototypePush(this.tokens, { type: HTML_TEXT, start, end, last: false, handlers: this.handlersFor('text') });
      }
    }

    endText(at) {
      if (this.textOpen) {
        this.textOpen = false;
        ArrayPrototypePush(this.tokens, { type: HTML_TEXT, start: at, end: at, last: true, handlers: this.handlersFor('text') });
      }
    }

    // Applies a complete markup token to the open elements and queues it if anyone handles it.
    take(token) {
      const type = token.type;
      if (type === HTML_START) {
        this.open(token);
        if (token.entry.regs !== null) ArrayPrototypePush(this.tokens, copyTag(token));
      } else if (type === HTML_END) {
        if (this.mode === RAW) this.mode = DATA;
        const stack = this.stack;
        const top = this.depth - 1;
        if (top > 0 && stack[top].name === token.name && stack[top].regs === null) {
          // The common case, an element nobody asked about closing itself.
          stack[top] = undefined;
          this.depth = top;
          return;
        }
        let j = top;
        while (j > 0 && stack[j].name !== token.name) j--;
        if (j === 0) return;
        const closed = [];
        for (let i = top; i >= j; i--) ArrayPrototypePush(closed, stack[i]);
        this.close(closed);
        token.entry = closed[closed.length - 1];
        closed.length--;
        token.implicit = closed;
        let needed = token.entry.regs !== null;
        for (let i = 0; i < closed.length && !needed; i++) needed = closed[i].regs !== null;
        if (needed) ArrayPrototypePush(this.tokens, copyTag(token));
      } else if (type === HTML_COMMENT) {
        if (this.wants.comments || this.activeComments > 0) {
          token.handlers = this.handlersFor('comments');
          ArrayPrototypePush(this.tokens, token);
        }
      } else if (type === HTML_DOCTYPE) {
        if (this.wants.doctype) ArrayPrototypePush(this.tokens, token);
      } else if (this.wantsText()) {
        // Character data of foreign content: a text node of its own.
        ArrayPrototypePush(this.tokens, { type: HTML_TEXT, start: token.start, end: token.end, last: false, handlers: this.handlersFor('text') });
        ArrayPrototypePush(this.tokens, { type: HTML_TEXT, start: token.end, end: token.end, last: true, handlers: this.handlersFor('text') });
      }
    }

    open(token) {
      const parent = this.stack[this.depth - 1];
      const name = token.name;
      let ns;
      if (name === 'svg') ns = NS_SVG;
      else if (name === 'math') ns = NS_MATHML;
      else if (parent.ns === NS_SVG && (parent.name === 'foreignobject' || parent.name === 'desc' || parent.name === 'title')) ns = HTML_NS_HTML;
      else if (parent.ns === NS_MATHML && (parent.name === 'mi' || parent.name === 'mo' || parent.name === 'mn'
        || parent.name === 'ms' || parent.name === 'mtext')) ns = HTML_NS_HTML;
      else ns = parent.ns;
      const entry = newEntry(name, ns, token.attrSource, parent, this.decode);
      entry.index = ++parent.childCount;
      if (this.countTypes) {
        if (parent.typeCounts === null) parent.typeCounts = new SafeMap();
        entry.typeIndex = (parent.typeCounts.get(name) ?? 0) + 1;
        parent.typeCounts.set(name, entry.typeIndex);
      }
      entry.canHaveContent = ns === HTML_NS_HTML ? !VOID.has(name) : !token.selfClosing;
      token.entry = entry;
      const regs = this.elementRegs;
      for (let i = 0; i < regs.length; i++) {
        if (htmlSelectorMatches(regs[i].selector, entry)) {
          if (entry.regs === null) entry.regs = [];
          ArrayPrototypePush(entry.regs, regs[i]);
        }
      }
      if (!entry.canHaveContent) return;
      this.stack[this.depth++] = entry;
      if (entry.regs !== null) {
        for (let i = 0; i < entry.regs.length; i++) {
          const reg = entry.regs[i];
          reg.active++;
          if (reg.text !== undefined) this.activeText++;
          if (reg.comments !== undefined) this.activeComments++;
        }
      }
      if (ns === HTML_NS_HTML) {
        if (RAW_TEXT.has(name)) {
          this.mode = RAW;
          this.rawName = name;
        } else if (name === 'plaintext') {
          this.mode = PLAINTEXT;
        }
      }
    }

    // Pops `entries` (innermost first, the top of the stack).
    close(entries) {
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i];
        this.stack[--this.depth] = undefined;
        if (entry.regs === null) continue;
        for (let r = 0; r < entry.regs.length; r++) {
          const reg = entry.regs[r];
          reg.active--;
          if (reg.text !== undefined) this.activeText--;
          if (reg.comments !== undefined) this.activeComments--;
        }
      }
    }

    // Inside script, style and the like only the end tag of the element is markup.
    rawTextEnd(buf, p, final) {
      const nameEnd = p + 2 + this.rawName.length;
      if (nameEnd >= buf.length) return final ? NOT_MARKUP : INCOMPLETE;
      const c = StringPrototypeCharCodeAt(buf, nameEnd);
      if (!(isSpace(c) || c === 0x2F || c === 0x3E) || lower(StringPrototypeSlice(buf, p + 2, nameEnd)) !== this.rawName) {
        return NOT_MARKUP;
      }
      return this.markup(buf, p, final);
    }

    // The markup token starting with the '<' at buf[p], INCOMPLETE when buf ends
    // before it does, or NOT_MARKUP when the '<' is text.
    markup(buf, p, final) {
      const result = this.scanMarkup(buf, p);
      if (result !== INCOMPLETE || !final) return result;
      // At the end of the input a comment ends with it, as in HTML; other unfinished
      // markup is text.
      const n = buf.length;
      if (StringPrototypeStartsWith(buf, '<!--', p)) {
        return { type: HTML_COMMENT, start: p, end: n, text: StringPrototypeSlice(buf, p + 4), handlers: null };
      }
      const next = p + 1 < n ? buf[p + 1] : '';
      if (next === '?' || (next === '!' && !StringPrototypeStartsWith('<!--', StringPrototypeSlice(buf, p)))
        || (next === '/' && p + 2 < n && !isLetter(StringPrototypeCharCodeAt(buf, p + 2)))) {
        return { type: HTML_COMMENT, start: p, end: n, text: StringPrototypeSlice(buf, p + (next === '?' ? 1 : 2)), handlers: null };
      }
      return NOT_MARKUP;
    }

    scanMarkup(buf, p) {
      const n = buf.length;
      if (p + 1 >= n) return INCOMPLETE;
      const c = StringPrototypeCharCodeAt(buf, p + 1);
      if (isLetter(c)) return this.tag(buf, p, p + 1, HTML_START);
      if (c === 0x2F) { // '/'
        if (p + 2 >= n) return INCOMPLETE;
        const c2 = StringPrototypeCharCodeAt(buf, p + 2);
        if (isLetter(c2)) return this.tag(buf, p, p + 2, HTML_END);
        if (c2 === 0x3E) return NOT_MARKUP;
        return this.bogusComment(buf, p, p + 2);
      }
      if (c === 0x21) { // '!'
        return this.declaration(buf, p);
      }
      if (c === 0x3F) return this.bogusComment(buf, p, p + 1); // '?'
      return NOT_MARKUP;
    }

    declaration(buf, p) {
      const n = buf.length;
      const head = StringPrototypeSlice(buf, p, p + 9);
      if (StringPrototypeStartsWith(head, '<!--')) return this.comment(buf, p);
      if (StringPrototypeStartsWith('<!--', head)) return INCOMPLETE;
      const lowered = lower(head);
      if (lowered === '<!doctype') return this.doctype(buf, p);
      if (head === '<![CDATA[' && this.stack[this.depth - 1].ns !== HTML_NS_HTML) {
        const close = StringPrototypeIndexOf(buf, ']]>', p + 9);
        if (close === -1) return INCOMPLETE;
        return { type: 0, start: p, end: close + 3 };
      }
      if (head.length < 9 && (StringPrototypeStartsWith('<!doctype', lowered) || StringPrototypeStartsWith('<![CDATA[', head))) {
        return p + head.length >= n ? INCOMPLETE : this.bogusComment(buf, p, p + 2);
      }
      return this.bogusComment(buf, p, p + 2);
    }

    comment(buf, p) {
      const n = buf.length;
      if (p + 4 >= n) return INCOMPLETE;
      if (buf[p + 4] === '>') return { type: HTML_COMMENT, start: p, end: p + 5, text: '', handlers: null };
      if (p + 5 >= n) return INCOMPLETE;
      if (buf[p + 4] === '-' && buf[p + 5] === '>') return { type: HTML_COMMENT, start: p, end: p + 6, text: '', handlers: null };
      let close = StringPrototypeIndexOf(buf, '--', p + 4);
      while (close !== -1) {
        if (close + 2 < n && buf[close + 2] === '>') {
          return { type: HTML_COMMENT, start: p, end: close + 3, text: StringPrototypeSlice(buf, p + 4, close), handlers: null };
        }
        if (close + 3 < n && buf[close + 2] === '!' && buf[close + 3] === '>') {
          return { type: HTML_COMMENT, start: p, end: close + 4, text: StringPrototypeSlice(buf, p + 4, close), handlers: null };
        }
        if (close + 3 >= n) return INCOMPLETE;
        close = StringPrototypeIndexOf(buf, '--', close + 1);
      }
      return INCOMPLETE;
    }

    bogusComment(buf, p, textStart) {
      const close = StringPrototypeIndexOf(buf, '>', textStart);
      if (close === -1) return INCOMPLETE;
      return { type: HTML_COMMENT, start: p, end: close + 1, text: StringPrototypeSlice(buf, textStart, close), handlers: null };
    }

    doctype(buf, p) {
      const close = StringPrototypeIndexOf(buf, '>', p + 9);
      if (close === -1) return INCOMPLETE;
      const m = RegExpPrototypeExec(DOCTYPE_PARTS, StringPrototypeSlice(buf, p + 9, close));
      const name = m === null || m[1] === '' ? null : lower(m[1]);
      let publicId = null;
      let systemId = null;
      if (m !== null) {
        publicId = m[2] ?? m[3] ?? null;
        systemId = m[4] ?? m[5] ?? m[6] ?? m[7] ?? null;
      }
      return { type: HTML_DOCTYPE, start: p, end: close + 1, name, publicId, systemId };
    }

    // A start or end tag: the name from `at`, then attributes as the HTML tokenizer
    // reads them (kept as source, parsed only if somebody asks). Tags are the most
    // common tokens and most concern nobody, so the result is one reused object,
    // copied only when the tag is queued.
    tag(buf, p, at, type) {
      const n = buf.length;
      let i = at;
      let upper = false;
      while (i < n) {
        const c = StringPrototypeCharCodeAt(buf, i);
        if (isSpace(c) || c === 0x2F || c === 0x3E) break;
        if (c >= 0x41 && c <= 0x5A) upper = true;
        i++;
      }
      if (i >= n) return INCOMPLETE;
      const name = upper ? lower(StringPrototypeSlice(buf, at, i)) : StringPrototypeSlice(buf, at, i);
      const end = scanAttributes(buf, i, null);
      if (end === INCOMPLETE) return INCOMPLETE;
      const attrSource = type === HTML_START ? StringPrototypeSlice(buf, i, scan.attrsEnd) : '';
      const tag = this.scratch;
      tag.type = type;
      tag.start = p;
      tag.end = end;
      tag.name = name;
      tag.attrSource = attrSource;
      tag.selfClosing = scan.selfClosing;
      tag.entry = null;
      tag.implicit = null;
      return tag;
    }
  };
}
