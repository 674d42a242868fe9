// The CSS selectors HTMLRewriter accepts (the subset a streaming rewriter can
// decide when it sees a start tag: no sibling combinators, nothing that needs
// what comes later) and how an open element is matched against them.
//
// Shared with other files:
//   htmlSelectorParse(text) -> selector    throws TypeError for what is not supported
//   htmlSelectorMatches(selector, entry)   entry: an open element of html-tokenizer.js
//                                          { name, index, typeIndex, parent (null for
//                                            the root), memo }, attributes by htmlAttributes
//   htmlSelectorCountsTypes(selector)      whether it needs typeIndex (:nth-of-type...)
let htmlSelectorParse;
let htmlSelectorMatches;
let htmlSelectorCountsTypes;

{
  const WHITESPACE = ' \t\n\r\f';
  let nextId = 1;

  function selectorError(message) {
    return new TypeError(`Parser error: ${message}`);
  }

  function isIdentChar(c) {
    return (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
      || c === 0x2D || c === 0x5F || c >= 0x80;
  }

  // A recursive-descent reader over the selector text.
  class Reader {
    constructor(text) {
      this.text = text;
      this.at = 0;
    }

    peek() {
      return this.at < this.text.length ? this.text[this.at] : '';
    }

    skipSpace() {
      const start = this.at;
      while (this.at < this.text.length && StringPrototypeIncludes(WHITESPACE, this.text[this.at])) this.at++;
      return this.at > start;
    }

    ident(what) {
      let out = '';
      while (this.at < this.text.length) {
        const c = StringPrototypeCharCodeAt(this.text, this.at);
        if (c === 0x5C) {
          if (this.at + 1 >= this.text.length) throw selectorError('Unexpected end of selector.');
          out += this.text[this.at + 1];
          this.at += 2;
        } else if (isIdentChar(c)) {
          out += this.text[this.at++];
        } else {
          break;
        }
      }
      if (out === '' || (out[0] >= '0' && out[0] <= '9')) throw selectorError(what);
      return out;
    }

    string() {
      const quote = this.text[this.at++];
      let out = '';
      for (;;) {
        if (this.at >= this.text.length) return out;
        const ch = this.text[this.at++];
        if (ch === quote) return out;
        if (ch === '\\' && this.at < this.text.length) out += this.text[this.at++];
        else out += ch;
      }
    }
  }

  // an+b of :nth-child() and :nth-of-type(): odd, even, 3, n, -n+2, 2n+1 ...
  const NTH = /^([+-]?\d*)n\s*(?:([+-])\s*(\d+))?$/;
  function parseNth(argument) {
    const text = StringPrototypeToLowerCase(argument);
    if (text === 'odd') return { a: 2, b: 1 };
    if (text === 'even') return { a: 2, b: 0 };
    if (regExpTest(/^[+-]?\d+$/, text)) return { a: 0, b: NumberParseInt(text, 10) };
    const m = RegExpPrototypeExec(NTH, text);
    if (m === null) throw selectorError('Unexpected token in selector.');
    const a = m[1] === '' || m[1] === '+' ? 1 : m[1] === '-' ? -1 : NumberParseInt(m[1], 10);
    const b = m[2] === undefined ? 0 : (m[2] === '-' ? -1 : 1) * NumberParseInt(m[3], 10);
    return { a, b };
  }

  function nthMatches(nth, index) {
    if (nth.a === 0) return index === nth.b;
    const steps = (index - nth.b) / nth.a;
    return steps >= 0 && steps === MathFloor(steps);
  }

  // The text inside the parentheses of a functional pseudo-class.
  function argumentOf(reader) {
    if (reader.peek() !== '(') throw selectorError('Unexpected token in selector.');
    let depth = 0;
    const start = reader.at + 1;
    for (; reader.at < reader.text.length; reader.at++) {
      const ch = reader.text[reader.at];
      if (ch === '(') depth++;
      else if (ch === ')' && --depth === 0) {
        reader.at++;
        return StringPrototypeSlice(reader.text, start, reader.at - 1);
      }
    }
    throw selectorError('Unexpected end of selector.');
  }

  const ATTRIBUTE_OPERATORS = ['=', '~=', '|=', '^=', '$=', '*='];

  function parseAttribute(reader, compound) {
    reader.at++;
    reader.skipSpace();
    if (reader.peek() === '') throw selectorError('Unexpected end of selector.');
    if (reader.peek() === ']') throw selectorError('Missing attribute name in attribute selector.');
    if (reader.peek() === '|' || reader.peek() === '*') throw selectorError('Selectors with explicit namespaces are not supported.');
    // Kept as written: the document's attribute names are lowercase, so `[data-X]` matches none.
    const name = reader.ident('Missing attribute name in attribute selector.');
    reader.skipSpace();
    if (reader.peek() === '|' && reader.text[reader.at + 1] !== '=') {
      throw selectorError('Selectors with explicit namespaces are not supported.');
    }
    const test = { name, operator: null, value: '', caseInsensitive: false };
    if (reader.peek() !== ']' && reader.peek() !== '') {
      let operator = reader.peek();
      if (operator !== '=') operator += reader.text[reader.at + 1] ?? '';
      if (!ArrayPrototypeIncludes(ATTRIBUTE_OPERATORS, operator)) throw selectorError('Unexpected token in selector.');
      reader.at += operator.length;
      reader.skipSpace();
      const quote = reader.peek();
      test.operator = operator;
      test.value = quote === '"' || quote === "'" ? reader.string() : reader.ident('Unexpected token in selector.');
      reader.skipSpace();
      const flag = StringPrototypeToLowerCase(reader.peek());
      if (flag === 'i' || flag === 's') {
        test.caseInsensitive = flag === 'i';
        reader.at++;
        reader.skipSpace();
      }
      if (test.caseInsensitive) test.value = StringPrototypeToLowerCase(test.value);
    }
    if (reader.peek() === '') return addAttribute(compound, test);
    if (reader.peek() !== ']') throw selectorError('Unexpected token in selector.');
    reader.at++;
    addAttribute(compound, test);
  }

  function addAttribute(compound, test) {
    ArrayPrototypePush(compound.attributes, test);
  }

  function parsePseudo(reader, compound) {
    reader.at++;
    if (reader.peek() === ':') throw selectorError('Unsupported pseudo-class or pseudo-element in selector.');
    const name = StringPrototypeToLowerCase(reader.ident('Unexpected token in selector.'));
    if (name === 'first-child') {
      ArrayPrototypePush(compound.nth, { ofType: false, a: 0, b: 1 });
    } else if (name === 'first-of-type') {
      ArrayPrototypePush(compound.nth, { ofType: true, a: 0, b: 1 });
    } else if (name === 'nth-child' || name === 'nth-of-type') {
      const nth = parseNth(trimSpace(argumentOf(reader)));
      ArrayPrototypePush(compound.nth, { ofType: name === 'nth-of-type', a: nth.a, b: nth.b });
    } else if (name === 'not') {
      const inner = trimSpace(argumentOf(reader));
      if (inner === '') throw selectorError('Empty negation in selector.');
      ArrayPrototypePush(compound.not, parseList(inner));
    } else {
      throw selectorError('Unsupported pseudo-class or pseudo-element in selector.');
    }
  }

  function trimSpace(text) {
    let start = 0;
    let end = text.length;
    while (start < end && StringPrototypeIncludes(WHITESPACE, text[start])) start++;
    while (end > start && StringPrototypeIncludes(WHITESPACE, text[end - 1])) end--;
    return StringPrototypeSlice(text, start, end);
  }

  // type? (#id | .class | [attr] | :pseudo)*, at least one of them.
  function parseCompound(reader) {
    const compound = { tag: null, ids: [], classes: [], attributes: [], nth: [], not: [] };
    const start = reader.at;
    const first = reader.peek();
    if (first === '*' && reader.text[reader.at + 1] === '|') {
      // `*|type`: any namespace, the same as no namespace at all.
      reader.at += 2;
      return parseCompound(reader);
    }
    if (first === '*') {
      reader.at++;
    } else if (first !== '' && isIdentChar(StringPrototypeCharCodeAt(first, 0))) {
      compound.tag = StringPrototypeToLowerCase(reader.ident('Unexpected token in selector.'));
      if (reader.peek() === '|') throw selectorError('Selectors with explicit namespaces are not supported.');
    } else if (first === '|') {
      throw selectorError('Selectors with explicit namespaces are not supported.');
    }
    for (;;) {
      const ch = reader.peek();
      if (ch === '#') {
        reader.at++;
        ArrayPrototypePush(compound.ids, reader.ident(reader.peek() === '' ? 'The selector is empty.' : 'Unexpected token in selector.'));
      } else if (ch === '.') {
        reader.at++;
        ArrayPrototypePush(compound.classes, reader.ident(reader.peek() === '' ? 'Unexpected end of selector.' : 'Invalid or unescaped class name in selector.'));
      } else if (ch === '[') {
        parseAttribute(reader, compound);
      } else if (ch === ':') {
        parsePseudo(reader, compound);
      } else {
        break;
      }
    }
    if (reader.at === start) {
      if (reader.peek() === '') throw selectorError('Unexpected end of selector.');
      throw selectorError('Unexpected token in selector.');
    }
    return compound;
  }

  // One complex selector, kept right to left: parts[0] is the subject and
  // combinators[k] joins parts[k] to parts[k + 1] ('>' parent, ' ' ancestor).
  function parseComplex(reader) {
    const parts = [];
    const combinators = [];
    reader.skipSpace();
    for (;;) {
      ArrayPrototypePush(parts, parseCompound(reader));
      const spaced = reader.skipSpace();
      const ch = reader.peek();
      if (ch === '' || ch === ',') break;
      if (ch === '>') {
        reader.at++;
        reader.skipSpace();
        if (reader.peek() === '' || reader.peek() === ',') throw selectorError('Dangling combinator in selector.');
        ArrayPrototypePush(combinators, '>');
      } else if (ch === '+' || ch === '~') {
        throw selectorError(`Unsupported combinator \`${ch}\` in selector.`);
      } else if (spaced) {
        ArrayPrototypePush(combinators, ' ');
      } else {
        throw selectorError('Unexpected token in selector.');
      }
    }
    if (parts.length > 200) throw selectorError('Unsupported selector syntax.');
    const rightToLeft = [];
    const joins = [];
    for (let i = parts.length - 1; i >= 0; i--) ArrayPrototypePush(rightToLeft, parts[i]);
    for (let i = combinators.length - 1; i >= 0; i--) ArrayPrototypePush(joins, combinators[i]);
    return { id: nextId++, parts: rightToLeft, combinators: joins };
  }

  function parseList(text) {
    const reader = new Reader(text);
    const list = [];
    for (;;) {
      reader.skipSpace();
      if (reader.peek() === '') throw selectorError('The selector is empty.');
      ArrayPrototypePush(list, parseComplex(reader));
      if (reader.peek() === '') break;
      reader.at++;
    }
    return list;
  }

  htmlSelectorParse = (text) => parseList(text);

  function attributeOf(entry, name) {
    const attrs = htmlAttributes(entry);
    for (let i = 0; i < attrs.length; i++) if (attrs[i].name === name) return attrs[i].value;
    return null;
  }

  function hasWord(list, word) {
    let at = 0;
    const n = list.length;
    while (at < n) {
      while (at < n && StringPrototypeIncludes(WHITESPACE, list[at])) at++;
      let end = at;
      while (end < n && !StringPrototypeIncludes(WHITESPACE, list[end])) end++;
      if (end > at && StringPrototypeSlice(list, at, end) === word) return true;
      at = end;
    }
    return false;
  }

  function attributeMatches(test, entry) {
    let value = attributeOf(entry, test.name);
    if (value === null) return false;
    if (test.operator === null) return true;
    if (test.caseInsensitive) value = StringPrototypeToLowerCase(value);
    const expected = test.value;
    switch (test.operator) {
      case '=': return value === expected;
      case '~=': return expected !== '' && hasWord(value, expected);
      case '|=': return value === expected || StringPrototypeStartsWith(value, `${expected}-`);
      case '^=': return expected !== '' && StringPrototypeStartsWith(value, expected);
      case '$=': return expected !== '' && value.length >= expected.length
        && StringPrototypeSlice(value, value.length - expected.length) === expected;
      default: return expected !== '' && StringPrototypeIncludes(value, expected);
    }
  }

  function compoundMatches(compound, entry) {
    if (compound.tag !== null && compound.tag !== entry.name) return false;
    for (let i = 0; i < compound.ids.length; i++) {
      if (attributeOf(entry, 'id') !== compound.ids[i]) return false;
    }
    if (compound.classes.length > 0) {
      const classes = attributeOf(entry, 'class');
      if (classes === null) return false;
      for (let i = 0; i < compound.classes.length; i++) if (!hasWord(classes, compound.classes[i])) return false;
    }
    for (let i = 0; i < compound.attributes.length; i++) {
      if (!attributeMatches(compound.attributes[i], entry)) return false;
    }
    for (let i = 0; i < compound.nth.length; i++) {
      const nth = compound.nth[i];
      if (!nthMatches(nth, nth.ofType ? entry.typeIndex : entry.index)) return false;
    }
    for (let i = 0; i < compound.not.length; i++) if (listMatches(compound.not[i], entry)) return false;
    return true;
  }

  function matchesFrom(complex, k, entry) {
    if (!compoundMatches(complex.parts[k], entry)) return false;
    if (k === complex.parts.length - 1) return true;
    const parent = entry.parent;
    if (parent.parent === null) return false;
    if (complex.combinators[k] === '>') return matchesFrom(complex, k + 1, parent);
    return someAncestorMatches(complex, k + 1, parent);
  }

  // Whether `start` or one of its ancestors matches parts[k..]. The answer is kept on
  // every element walked, so that a deep document costs a walk per element only once
  // rather than once per descendant.
  function someAncestorMatches(complex, k, start) {
    const key = complex.id * 256 + k;
    const walked = [];
    let result = false;
    for (let entry = start; entry.parent !== null; entry = entry.parent) {
      const known = entry.memo === null ? undefined : entry.memo.get(key);
      if (known !== undefined) {
        result = known;
        break;
      }
      ArrayPrototypePush(walked, entry);
      if (matchesFrom(complex, k, entry)) {
        result = true;
        break;
      }
    }
    for (let i = 0; i < walked.length; i++) {
      if (walked[i].memo === null) walked[i].memo = new SafeMap();
      walked[i].memo.set(key, result);
    }
    return result;
  }

  function countsTypes(compound) {
    for (let i = 0; i < compound.nth.length; i++) if (compound.nth[i].ofType) return true;
    for (let i = 0; i < compound.not.length; i++) if (listCountsTypes(compound.not[i])) return true;
    return false;
  }

  function listCountsTypes(selector) {
    for (let i = 0; i < selector.length; i++) {
      const parts = selector[i].parts;
      for (let k = 0; k < parts.length; k++) if (countsTypes(parts[k])) return true;
    }
    return false;
  }

  htmlSelectorCountsTypes = listCountsTypes;

  function listMatches(selector, entry) {
    for (let i = 0; i < selector.length; i++) if (matchesFrom(selector[i], 0, entry)) return true;
    return false;
  }

  htmlSelectorMatches = listMatches;
}
