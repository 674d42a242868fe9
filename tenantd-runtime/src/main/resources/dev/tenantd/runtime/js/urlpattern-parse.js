// The URL Pattern Standard's machinery behind URLPattern (urlpattern.js): a pattern
// string is tokenized, parsed into parts (fixed text, named or numbered groups,
// wildcards, custom regular expressions, each with a modifier), and each of a URL's
// eight components gets one regular expression made from its parts.
//
// Shared with urlpattern.js: up_COMPONENTS, up_DEFAULT_PORTS, up_DEFAULT_OPTIONS,
// up_HOSTNAME_OPTIONS, up_PATHNAME_OPTIONS, up_parseConstructorString(input),
// up_processInit(init, type), up_compile(input, encode, options, ignoreCase),
// up_matchesSpecialScheme(component), up_isSpecialScheme(protocol),
// up_isIPv6Pattern(hostname), up_canonicalIPv6(value), up_canonicalPathname(value)

const up_COMPONENTS = ['protocol', 'username', 'password', 'hostname', 'port', 'pathname', 'search', 'hash'];
const up_SPECIAL_SCHEMES = ['ftp', 'file', 'http', 'https', 'ws', 'wss'];
const up_DEFAULT_PORTS = { __proto__: null, ftp: '21', http: '80', https: '443', ws: '80', wss: '443' };
const up_FULL_WILDCARD = '.*';
const up_MODIFIERS = { __proto__: null, none: '', optional: '?', 'zero-or-more': '*', 'one-or-more': '+' };

// ---- tokenizer

// A group's name is a JavaScript identifier: its first code point IdentifierStart, the rest
// IdentifierPart.
const up_NAME_START = /^[$_\p{ID_Start}]$/u;
const up_NAME_CHAR = /^[$_\u200c\u200d\p{ID_Continue}]$/u;

function up_isNameStart(c) {
  return regExpTest(up_NAME_START, c);
}

function up_isNameChar(c) {
  return regExpTest(up_NAME_CHAR, c);
}

function up_isAscii(c) {
  return StringPrototypeCodePointAt(c, 0) <= 0x7f;
}

// policy 'strict' throws on a malformed pattern; 'lenient' (for constructor strings)
// records what it cannot read as an invalid-char token instead.
function up_tokenize(input, policy) {
  const cps = ArrayFrom(input);
  const tokens = [];
  let index = 0;
  // Token indexes are UTF-16 offsets into `input`, for slicing it later.
  const offsets = [];
  let offset = 0;
  for (let i = 0; i < cps.length; i++) {
    offsets[i] = offset;
    offset += cps[i].length;
  }
  offsets[cps.length] = offset;
  const push = (type, at, next, value) => {
    ArrayPrototypePush(tokens, { type, index: offsets[at], value });
    index = next;
  };
  const fail = (at, next, message) => {
    if (policy === 'strict') throw new TypeError(`Invalid pattern '${input}': ${message}`);
    push('invalid-char', at, next, StringPrototypeSlice(input, offsets[at], offsets[next]));
  };
  while (index < cps.length) {
    const c = cps[index];
    if (c === '*') { push('asterisk', index, index + 1, c); continue; }
    if (c === '+' || c === '?') { push('other-modifier', index, index + 1, c); continue; }
    if (c === '\\') {
      if (index === cps.length - 1) { fail(index, index + 1, 'a pattern cannot end with a backslash'); continue; }
      push('escaped-char', index, index + 2, cps[index + 1]);
      continue;
    }
    if (c === '{') { push('open', index, index + 1, c); continue; }
    if (c === '}') { push('close', index, index + 1, c); continue; }
    if (c === ':') {
      let end = index + 1;
      while (end < cps.length && (end === index + 1 ? up_isNameStart(cps[end]) : up_isNameChar(cps[end]))) end++;
      if (end === index + 1) { fail(index, index + 1, 'a group needs a name after ":"'); continue; }
      push('name', index, end, ArrayPrototypeJoin(ArrayPrototypeSlice(cps, index + 1, end), ''));
      continue;
    }
    if (c === '(') {
      let depth = 1;
      let end = index + 1;
      let source = '';
      let error = null;
      while (end < cps.length) {
        const r = cps[end];
        if (!up_isAscii(r)) { error = 'a regular expression group must be ASCII'; break; }
        if (end === index + 1 && r === '?') { error = 'a regular expression group cannot start with "?"'; break; }
        if (r === '\\') {
          if (end === cps.length - 1 || !up_isAscii(cps[end + 1])) { error = 'a bad escape in a regular expression group'; break; }
          source += r + cps[end + 1];
          end += 2;
          continue;
        }
        if (r === ')') {
          depth--;
          if (depth === 0) { end++; break; }
        } else if (r === '(') {
          depth++;
          if (end === cps.length - 1) { error = 'an unclosed regular expression group'; break; }
          if (cps[end + 1] !== '?') { error = 'groups inside a regular expression group must not capture ("(?:...)")'; break; }
        }
        source += r;
        end++;
      }
      if (error === null && depth !== 0) error = 'an unclosed regular expression group';
      if (error === null && source === '') error = 'an empty regular expression group';
      if (error !== null) { fail(index, index + 1, error); continue; }
      push('regexp', index, end, source);
      continue;
    }
    push('char', index, index + 1, c);
  }
  push('end', cps.length, cps.length, '');
  return tokens;
}

// ---- parser

function up_escapeRegExp(text) {
  let out = '';
  for (const c of text) {
    out += StringPrototypeIncludes('.+*?^${}()[]|/\\', c) ? '\\' + c : c;
  }
  return out;
}

function up_escapePattern(text) {
  let out = '';
  for (const c of text) {
    out += StringPrototypeIncludes('+*?:{}()\\', c) ? '\\' + c : c;
  }
  return out;
}

function up_segmentWildcard(options) {
  return `[^${up_escapeRegExp(options.delimiter)}]+?`;
}

function up_parse(input, options, encode) {
  const tokens = up_tokenize(input, 'strict');
  const parts = [];
  const segmentWildcard = up_segmentWildcard(options);
  let pending = '';
  let index = 0;
  let nextNumericName = 0;
  const tryConsume = (type) => {
    const token = tokens[index];
    if (token.type !== type) return null;
    index++;
    return token;
  };
  const tryConsumeModifier = () => tryConsume('other-modifier') ?? tryConsume('asterisk');
  const tryConsumeRegexpOrWildcard = (name) => {
    const token = tryConsume('regexp');
    return name === null && token === null ? tryConsume('asterisk') : token;
  };
  const consumeRequired = (type) => {
    const token = tryConsume(type);
    if (token === null) {
      throw new TypeError(`Invalid pattern '${input}': expected ${type === 'close' ? '"}"' : 'the end'} at ${tokens[index].index}`);
    }
    return token;
  };
  const consumeText = () => {
    let text = '';
    for (;;) {
      const token = tryConsume('char') ?? tryConsume('escaped-char');
      if (token === null) return text;
      text += token.value;
    }
  };
  const flushPending = () => {
    if (pending === '') return;
    ArrayPrototypePush(parts, { type: 'fixed-text', value: encode(pending), modifier: 'none', name: '', prefix: '', suffix: '' });
    pending = '';
  };
  const modifierOf = (token) => (token === null ? 'none' : token.value === '?' ? 'optional'
    : token.value === '*' ? 'zero-or-more' : 'one-or-more');
  const addPart = (prefix, nameToken, regexpToken, suffix, modifierToken) => {
    const modifier = modifierOf(modifierToken);
    if (nameToken === null && regexpToken === null && modifier === 'none') {
      pending += prefix;
      return;
    }
    flushPending();
    if (nameToken === null && regexpToken === null) {
      if (prefix === '') return;
      ArrayPrototypePush(parts, { type: 'fixed-text', value: encode(prefix), modifier, name: '', prefix: '', suffix: '' });
      return;
    }
    let value = regexpToken === null ? segmentWildcard
      : regexpToken.type === 'asterisk' ? up_FULL_WILDCARD : regexpToken.value;
    let type = 'regexp';
    if (value === segmentWildcard) {
      type = 'segment-wildcard';
      value = '';
    } else if (value === up_FULL_WILDCARD) {
      type = 'full-wildcard';
      value = '';
    }
    let name = '';
    if (nameToken !== null) name = nameToken.value;
    else if (regexpToken !== null) name = String(nextNumericName++);
    for (let i = 0; i < parts.length; i++) {
      if (parts[i].name === name && name !== '') {
        throw new TypeError(`Invalid pattern '${input}': the group name '${name}' is used twice`);
      }
    }
    ArrayPrototypePush(parts, { type, value, modifier, name, prefix: encode(prefix), suffix: encode(suffix) });
  };
  while (index < tokens.length) {
    const charToken = tryConsume('char');
    const nameToken = tryConsume('name');
    const regexpToken = tryConsumeRegexpOrWildcard(nameToken);
    if (nameToken !== null || regexpToken !== null) {
      let prefix = charToken === null ? '' : charToken.value;
      if (prefix !== options.prefix) {
        pending += prefix;
        prefix = '';
      }
      flushPending();
      addPart(prefix, nameToken, regexpToken, '', tryConsumeModifier());
      continue;
    }
    const fixed = charToken ?? tryConsume('escaped-char');
    if (fixed !== null) {
      pending += fixed.value;
      continue;
    }
    if (tryConsume('open') !== null) {
      const prefix = consumeText();
      const name = tryConsume('name');
      const regexp = tryConsumeRegexpOrWildcard(name);
      const suffix = consumeText();
      consumeRequired('close');
      addPart(prefix, name, regexp, suffix, tryConsumeModifier());
      continue;
    }
    flushPending();
    consumeRequired('end');
  }
  return parts;
}

// ---- what a part list becomes

function up_regExpSource(parts, options) {
  let source = '^';
  const names = [];
  const segmentWildcard = up_segmentWildcard(options);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const modifier = up_MODIFIERS[part.modifier];
    if (part.type === 'fixed-text') {
      source += part.modifier === 'none' ? up_escapeRegExp(part.value) : `(?:${up_escapeRegExp(part.value)})${modifier}`;
      continue;
    }
    ArrayPrototypePush(names, part.name);
    const value = part.type === 'segment-wildcard' ? segmentWildcard
      : part.type === 'full-wildcard' ? up_FULL_WILDCARD : part.value;
    const prefix = up_escapeRegExp(part.prefix);
    const suffix = up_escapeRegExp(part.suffix);
    const single = part.modifier === 'none' || part.modifier === 'optional';
    if (part.prefix === '' && part.suffix === '') {
      source += single ? `(${value})${modifier}` : `((?:${value})${modifier})`;
    } else if (single) {
      source += `(?:${prefix}(${value})${suffix})${modifier}`;
    } else {
      source += `(?:${prefix}((?:${value})(?:${suffix}${prefix}(?:${value}))*)${suffix})`;
      if (part.modifier === 'zero-or-more') source += '?';
    }
  }
  return { source: source + '$', names };
}

function up_isDigitName(name) {
  return name.length > 0 && name[0] >= '0' && name[0] <= '9';
}

function up_patternString(parts, options) {
  let result = '';
  const segmentWildcard = up_segmentWildcard(options);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const previous = i > 0 ? parts[i - 1] : null;
    const next = i + 1 < parts.length ? parts[i + 1] : null;
    const modifier = up_MODIFIERS[part.modifier];
    if (part.type === 'fixed-text') {
      result += part.modifier === 'none' ? up_escapePattern(part.value) : `{${up_escapePattern(part.value)}}${modifier}`;
      continue;
    }
    const customName = !up_isDigitName(part.name);
    let grouped = part.suffix !== '' || (part.prefix !== '' && part.prefix !== options.prefix);
    if (!grouped && customName && part.type === 'segment-wildcard' && part.modifier === 'none'
        && next !== null && next.prefix === '' && next.suffix === '') {
      grouped = next.type === 'fixed-text' ? (next.value !== '' && up_isNameChar(ArrayFrom(next.value)[0]))
        : up_isDigitName(next.name);
    }
    if (!grouped && part.prefix === '' && previous !== null && previous.type === 'fixed-text'
        && previous.value !== '' && options.prefix !== '' && StringPrototypeSlice(previous.value, -1) === options.prefix) {
      grouped = true;
    }
    if (grouped) result += '{';
    result += up_escapePattern(part.prefix);
    if (customName) result += ':' + part.name;
    if (part.type === 'regexp') {
      result += `(${part.value})`;
    } else if (part.type === 'segment-wildcard' && !customName) {
      result += `(${segmentWildcard})`;
    } else if (part.type === 'full-wildcard') {
      if (!customName && (previous === null || previous.type === 'fixed-text' || previous.modifier !== 'none'
          || grouped || part.prefix !== '')) {
        result += '*';
      } else {
        result += `(${up_FULL_WILDCARD})`;
      }
    }
    if (part.type === 'segment-wildcard' && customName && part.suffix !== ''
        && up_isNameChar(ArrayFrom(part.suffix)[0])) {
      result += '\\';
    }
    result += up_escapePattern(part.suffix);
    if (grouped) result += '}';
    result += modifier;
  }
  return result;
}

const up_DEFAULT_OPTIONS = { delimiter: '', prefix: '' };
const up_HOSTNAME_OPTIONS = { delimiter: '.', prefix: '' };
const up_PATHNAME_OPTIONS = { delimiter: '/', prefix: '/' };

// One component's pattern: its normalized pattern string, regular expression and group names.
function up_compile(input, encode, options, ignoreCase) {
  const parts = up_parse(input, options, encode);
  const { source, names } = up_regExpSource(parts, options);
  let regexp;
  try {
    regexp = new up_RegExp(source, ignoreCase ? 'ui' : 'u');
  } catch (error) {
    throw new TypeError(`Invalid pattern '${input}': ${error.message}`);
  }
  let hasRegExpGroups = false;
  for (let i = 0; i < parts.length; i++) if (parts[i].type === 'regexp') hasRegExpGroups = true;
  return { pattern: up_patternString(parts, options), regexp, names, hasRegExpGroups };
}

function up_matchesSpecialScheme(component) {
  for (let i = 0; i < up_SPECIAL_SCHEMES.length; i++) {
    if (up_RegExpPrototypeExec(component.regexp, up_SPECIAL_SCHEMES[i]) !== null) return true;
  }
  return false;
}

// ---- constructor strings ('https://example.com/books/:id')

function up_parseConstructorString(input) {
  const tokens = up_tokenize(input, 'lenient');
  const result = { __proto__: null };
  let state = 'init';
  let tokenIndex = 0;
  let tokenIncrement = 1;
  let componentStart = 0;
  let groupDepth = 0;
  let ipv6Depth = 0;
  let protocolIsSpecial = false;
  const token = (i) => tokens[i < tokens.length ? i : tokens.length - 1];
  const isChar = (i, value) => {
    const t = token(i);
    return t.value === value && (t.type === 'char' || t.type === 'escaped-char' || t.type === 'invalid-char');
  };
  const componentString = () => StringPrototypeSlice(input, token(componentStart).index, tokens[tokenIndex].index);
  const isSearchPrefix = () => {
    if (isChar(tokenIndex, '?')) return true;
    if (tokens[tokenIndex].value !== '?') return false;
    if (tokenIndex === 0) return true;
    const previous = token(tokenIndex - 1).type;
    return previous !== 'name' && previous !== 'regexp' && previous !== 'close' && previous !== 'asterisk';
  };
  const rewind = () => {
    tokenIndex = componentStart;
    tokenIncrement = 0;
  };
  const changeState = (next, skip) => {
    if (state !== 'init' && state !== 'authority' && state !== 'done') result[state] = componentString();
    if (state !== 'init' && next !== 'done') {
      const early = state === 'protocol' || state === 'authority' || state === 'username' || state === 'password';
      if (early && (next === 'port' || next === 'pathname' || next === 'search' || next === 'hash')
          && result.hostname === undefined) {
        result.hostname = '';
      }
      if ((early || state === 'hostname' || state === 'port') && (next === 'search' || next === 'hash')
          && result.pathname === undefined) {
        result.pathname = protocolIsSpecial ? '/' : '';
      }
      if ((early || state === 'hostname' || state === 'port' || state === 'pathname') && next === 'hash'
          && result.search === undefined) {
        result.search = '';
      }
    }
    state = next;
    tokenIndex += skip;
    componentStart = tokenIndex;
    tokenIncrement = 0;
  };
  for (; tokenIndex < tokens.length; tokenIndex += tokenIncrement) {
    tokenIncrement = 1;
    if (tokens[tokenIndex].type === 'end') {
      if (state === 'init') {
        rewind();
        if (isChar(tokenIndex, '#')) changeState('hash', 1);
        else if (isSearchPrefix()) changeState('search', 1);
        else changeState('pathname', 0);
        continue;
      }
      if (state === 'authority') {
        rewind();
        state = 'hostname';
        continue;
      }
      changeState('done', 0);
      break;
    }
    if (tokens[tokenIndex].type === 'open') {
      groupDepth++;
      continue;
    }
    if (groupDepth > 0) {
      if (tokens[tokenIndex].type === 'close') groupDepth--;
      else continue;
    }
    switch (state) {
      case 'init':
        if (isChar(tokenIndex, ':')) {
          rewind();
          state = 'protocol';
        }
        break;
      case 'protocol':
        if (isChar(tokenIndex, ':')) {
          const protocol = up_compile(componentString(), (v) => urlPatternCanonical('protocol', v), up_DEFAULT_OPTIONS, false);
          protocolIsSpecial = up_matchesSpecialScheme(protocol);
          let next = 'pathname';
          let skip = 1;
          if (isChar(tokenIndex + 1, '/') && isChar(tokenIndex + 2, '/')) {
            next = 'authority';
            skip = 3;
          } else if (protocolIsSpecial) {
            next = 'authority';
          }
          changeState(next, skip);
        }
        break;
      case 'authority':
        if (isChar(tokenIndex, '@')) {
          rewind();
          state = 'username';
        } else if (isChar(tokenIndex, '/') || isSearchPrefix() || isChar(tokenIndex, '#')) {
          rewind();
          state = 'hostname';
        }
        break;
      case 'username':
        if (isChar(tokenIndex, ':')) changeState('password', 1);
        else if (isChar(tokenIndex, '@')) changeState('hostname', 1);
        break;
      case 'password':
        if (isChar(tokenIndex, '@')) changeState('hostname', 1);
        break;
      case 'hostname':
        if (isChar(tokenIndex, '[')) ipv6Depth++;
        else if (isChar(tokenIndex, ']')) ipv6Depth--;
        else if (isChar(tokenIndex, ':') && ipv6Depth === 0) changeState('port', 1);
        else if (isChar(tokenIndex, '/')) changeState('pathname', 0);
        else if (isSearchPrefix()) changeState('search', 1);
        else if (isChar(tokenIndex, '#')) changeState('hash', 1);
        break;
      case 'port':
        if (isChar(tokenIndex, '/')) changeState('pathname', 0);
        else if (isSearchPrefix()) changeState('search', 1);
        else if (isChar(tokenIndex, '#')) changeState('hash', 1);
        break;
      case 'pathname':
        if (isSearchPrefix()) changeState('search', 1);
        else if (isChar(tokenIndex, '#')) changeState('hash', 1);
        break;
      case 'search':
        if (isChar(tokenIndex, '#')) changeState('hash', 1);
        break;
      default:
        break;
    }
  }
  if (result.hostname !== undefined && result.port === undefined) result.port = '';
  return result;
}

// ---- URLPatternInit

function up_isAbsolutePathname(input, type) {
  if (input === '') return false;
  if (input[0] === '/') return true;
  if (type === 'url' || input.length < 2) return false;
  return (input[0] === '\\' || input[0] === '{') && input[1] === '/';
}

function up_isSpecialScheme(protocol) {
  return ArrayPrototypeIncludes(up_SPECIAL_SCHEMES, protocol);
}

// type 'pattern' keeps pattern text as written; 'url' canonicalizes it as a URL's part.
function up_processInit(init, type) {
  const result = { __proto__: null };
  const text = (name) => {
    const value = init[name];
    return value === undefined ? undefined : webIdlToString(value, name);
  };
  const baseText = (value) => (type === 'pattern' ? up_escapePattern(value) : value);
  let base = null;
  const baseURL = text('baseURL');
  if (baseURL !== undefined) {
    base = urlPatternComponents(baseURL, undefined);
    if (base === null) throw new TypeError(`Invalid baseURL '${baseURL}'`);
    const given = (names) => {
      for (let i = 0; i < names.length; i++) if (init[names[i]] !== undefined) return true;
      return false;
    };
    if (!given(['protocol'])) result.protocol = baseText(base.protocol);
    if (!given(['protocol', 'username'])) result.username = baseText(base.username);
    if (!given(['protocol', 'username', 'password'])) result.password = baseText(base.password);
    if (!given(['protocol', 'hostname'])) result.hostname = baseText(base.hostname);
    if (!given(['protocol', 'hostname', 'port'])) result.port = baseText(base.port);
    if (!given(['protocol', 'hostname', 'port', 'pathname'])) result.pathname = baseText(base.pathname);
    if (!given(['protocol', 'hostname', 'port', 'pathname', 'search'])) result.search = baseText(base.search);
    if (!given(['protocol', 'hostname', 'port', 'pathname', 'search', 'hash'])) result.hash = baseText(base.hash);
  }
  const canonical = (kind, value, protocol) => (type === 'pattern' ? value : urlPatternCanonical(kind, value, protocol));
  let protocol = text('protocol');
  if (protocol !== undefined) {
    if (StringPrototypeSlice(protocol, -1) === ':') protocol = StringPrototypeSlice(protocol, 0, -1);
    result.protocol = canonical('protocol', protocol);
  }
  const username = text('username');
  if (username !== undefined) result.username = canonical('username', username);
  const password = text('password');
  if (password !== undefined) result.password = canonical('password', password);
  const hostname = text('hostname');
  if (hostname !== undefined) result.hostname = canonical('hostname', hostname);
  const port = text('port');
  if (port !== undefined) result.port = canonical('port', port, result.protocol);
  let pathname = text('pathname');
  if (pathname !== undefined) {
    if (base !== null && !base.opaquePath && !up_isAbsolutePathname(pathname, type)) {
      const basePath = baseText(base.pathname);
      const slash = StringPrototypeLastIndexOf(basePath, '/');
      if (slash >= 0) pathname = StringPrototypeSlice(basePath, 0, slash + 1) + pathname;
    }
    if (type !== 'pattern') {
      const p = result.protocol;
      pathname = p === undefined || p === '' || up_isSpecialScheme(p)
        ? urlPatternCanonical('pathname', pathname) : urlPatternCanonical('opaque pathname', pathname);
    }
    result.pathname = pathname;
  }
  let search = text('search');
  if (search !== undefined) {
    if (search[0] === '?') search = StringPrototypeSlice(search, 1);
    result.search = canonical('search', search);
  }
  let hash = text('hash');
  if (hash !== undefined) {
    if (hash[0] === '#') hash = StringPrototypeSlice(hash, 1);
    result.hash = canonical('hash', hash);
  }
  return result;
}

function up_isIPv6Pattern(hostname) {
  return hostname[0] === '[' || StringPrototypeStartsWith(hostname, '{[') || StringPrototypeStartsWith(hostname, '\\[');
}

function up_canonicalIPv6(value) {
  let result = '';
  for (const c of value) {
    const ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c === '[' || c === ']' || c === ':';
    if (!ok) throw new TypeError(`Invalid IPv6 hostname '${value}'`);
    result += StringPrototypeToLowerCase(c);
  }
  return result;
}

// A pathname pattern's fixed text, canonicalized as a path: text that does not start
// with "/" is canonicalized behind "/-" and the two characters are taken off again.
function up_canonicalPathname(value) {
  if (value === '') return '';
  const leadingSlash = value[0] === '/';
  const result = urlPatternCanonical('pathname', leadingSlash ? value : '/-' + value);
  return leadingSlash ? result : StringPrototypeSlice(result, 2);
}
