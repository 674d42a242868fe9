// WHATWG URL Standard: the URL and URLSearchParams interfaces, the basic URL
// parser, host parsing (IDNA, IPv4, IPv6, opaque hosts) and the
// application/x-www-form-urlencoded parser and serializer.
// Everything but the two globals and the helpers below stays inside this block;
// UTF-8 is handled privately so this file depends on nothing but prelude.js.
//
// Shared with other files (assigned inside the block):
//   urlHref(input)                the href the URL parser makes of a string, or null
//   urlHrefOf(value)              a URL object's href, or null for anything else
//   urlSearchParamsString(value)  a URLSearchParams' serialization, or null
//   urlPatternCanonical(kind, value, protocol)
//                                 URL Pattern's "canonicalize a protocol | username | password |
//                                 hostname | port | pathname | opaque pathname | search | hash":
//                                 the basic parser run with a state override on a fresh record;
//                                 throws TypeError where the parser fails
//   urlPatternComponents(input, base)
//                                 the eight components of a parsed URL as URL Pattern reads them
//                                 (plus `opaquePath`), or null when it does not parse
let urlHref;
let urlHrefOf;
let urlSearchParamsString;
let urlPatternCanonical;
let urlPatternComponents;
{
  // ---------------------------------------------------------------------
  // Strings and UTF-8

  // IDL USVString conversion: lone surrogates become U+FFFD.
  const url_toWellFormed = (s) => StringPrototypeToWellFormed(s);

  function url_usv(value, what) {
    return url_toWellFormed(webIdlToString(value, what));
  }

  // Appends the UTF-8 bytes of one code point to `out`.
  function url_utf8Push(cp, out) {
    let o = out.length;
    if (cp < 0x80) {
      out[o] = cp;
    } else if (cp < 0x800) {
      out[o++] = 0xC0 | (cp >> 6);
      out[o] = 0x80 | (cp & 0x3F);
    } else if (cp < 0x10000) {
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
      out[o++] = 0xE0 | (cp >> 12);
      out[o++] = 0x80 | ((cp >> 6) & 0x3F);
      out[o] = 0x80 | (cp & 0x3F);
    } else {
      out[o++] = 0xF0 | (cp >> 18);
      out[o++] = 0x80 | ((cp >> 12) & 0x3F);
      out[o++] = 0x80 | ((cp >> 6) & 0x3F);
      out[o] = 0x80 | (cp & 0x3F);
    }
    return out;
  }

  function url_utf8Encode(str) {
    const out = [];
    for (let i = 0; i < str.length; i++) {
      const cp = StringPrototypeCodePointAt(str, i);
      url_utf8Push(cp, out);
      if (cp > 0xFFFF) i++;
    }
    return out;
  }

  // The code points of `str` as one-code-point strings (what Array.from(str) gives).
  function url_codePoints(str) {
    const out = [];
    for (let i = 0; i < str.length; i++) {
      const cp = StringPrototypeCodePointAt(str, i);
      if (cp > 0xFFFF) {
        out[out.length] = StringPrototypeSlice(str, i, i + 2);
        i++;
      } else {
        out[out.length] = str[i];
      }
    }
    return out;
  }

  function url_codePointCount(str) {
    let count = 0;
    for (let i = 0; i < str.length; i++) {
      if (StringPrototypeCodePointAt(str, i) > 0xFFFF) i++;
      count++;
    }
    return count;
  }

  // `str` with every character that `map(code)` answers for replaced by that answer
  // (a string), the others kept.
  function url_mapChars(str, map) {
    let out = '';
    let from = 0;
    for (let i = 0; i < str.length; i++) {
      const replacement = map(StringPrototypeCharCodeAt(str, i));
      if (replacement === undefined) continue;
      out += StringPrototypeSlice(str, from, i) + replacement;
      from = i + 1;
    }
    return from === 0 ? str : out + StringPrototypeSlice(str, from);
  }

  // UTF-8 decode without BOM handling, replacing each maximal invalid
  // subpart with U+FFFD as the Encoding Standard's decoder does.
  function url_utf8Decode(bytes) {
    let result = '';
    const chunk = [];
    let cp = 0;
    let needed = 0;
    let seen = 0;
    let lower = 0x80;
    let upper = 0xBF;
    const emit = (value) => {
      chunk[chunk.length] = value;
      if (chunk.length >= 4096) {
        result += ReflectApply(StringFromCodePoint, null, chunk);
        chunk.length = 0;
      }
    };
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (needed === 0) {
        if (byte < 0x80) {
          emit(byte);
        } else if (byte >= 0xC2 && byte <= 0xDF) {
          needed = 1;
          cp = byte & 0x1F;
        } else if (byte >= 0xE0 && byte <= 0xEF) {
          if (byte === 0xE0) lower = 0xA0;
          if (byte === 0xED) upper = 0x9F;
          needed = 2;
          cp = byte & 0x0F;
        } else if (byte >= 0xF0 && byte <= 0xF4) {
          if (byte === 0xF0) lower = 0x90;
          if (byte === 0xF4) upper = 0x8F;
          needed = 3;
          cp = byte & 0x07;
        } else {
          emit(0xFFFD);
        }
        continue;
      }
      if (byte < lower || byte > upper) {
        cp = needed = seen = 0;
        lower = 0x80;
        upper = 0xBF;
        emit(0xFFFD);
        i--; // the offending byte starts over as a new sequence
        continue;
      }
      lower = 0x80;
      upper = 0xBF;
      cp = (cp << 6) | (byte & 0x3F);
      if (++seen === needed) {
        emit(cp);
        cp = needed = seen = 0;
      }
    }
    if (needed !== 0) emit(0xFFFD);
    return result + ReflectApply(StringFromCodePoint, null, chunk);
  }

  // ---------------------------------------------------------------------
  // Percent-encoding

  const url_HEX_CHAR = /^[0-9A-Fa-f]$/;
  function url_isHex(ch) {
    return ch !== undefined && regExpTest(url_HEX_CHAR, ch);
  }

  function url_hexValue(b) {
    return b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10;
  }

  // Percent-decodes a string: its UTF-8 bytes, with %XX sequences replaced.
  function url_percentDecode(str) {
    const bytes = url_utf8Encode(str);
    const out = [];
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0x25 && i + 2 < bytes.length && url_isHexByte(bytes[i + 1]) && url_isHexByte(bytes[i + 2])) {
        out[out.length] = url_hexValue(bytes[i + 1]) * 16 + url_hexValue(bytes[i + 2]);
        i += 2;
      } else {
        out[out.length] = b;
      }
    }
    return out;
  }

  function url_isHexByte(b) {
    return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
  }

  // A percent-encode set is a 128-entry table for ASCII; every code point
  // above U+007E and every C0 control is in all of them.
  function url_makeSet(parent, extra) {
    const table = parent ? parent.slice() : new Uint8Array(128);
    if (!parent) {
      for (let i = 0; i < 0x20; i++) table[i] = 1;
      table[0x7F] = 1;
    }
    for (const ch of extra) table[ch.charCodeAt(0)] = 1;
    return table;
  }
  const url_C0_SET = url_makeSet(null, '');
  const url_FRAGMENT_SET = url_makeSet(url_C0_SET, ' "<>`');
  const url_QUERY_SET = url_makeSet(url_C0_SET, ' "#<>');
  const url_SPECIAL_QUERY_SET = url_makeSet(url_QUERY_SET, "'");
  const url_PATH_SET = url_makeSet(url_QUERY_SET, '?^`{}');
  const url_USERINFO_SET = url_makeSet(url_PATH_SET, '/:;=@[\\]|');
  const url_COMPONENT_SET = url_makeSet(url_USERINFO_SET, '$%&+,');
  const url_FORM_SET = url_makeSet(url_COMPONENT_SET, "!'()~");

  const url_HEX = '0123456789ABCDEF';

  function url_encodeCodePoint(cp, out) {
    const bytes = url_utf8Push(cp, []);
    for (let i = 0; i < bytes.length; i++) out += '%' + url_HEX[bytes[i] >> 4] + url_HEX[bytes[i] & 15];
    return out;
  }

  // UTF-8 percent-encodes every code point of `str` that is in `set`;
  // with spaceAsPlus (form encoding) U+0020 becomes "+".
  function url_percentEncode(str, set, spaceAsPlus = false) {
    let i = 0;
    const n = str.length;
    // Most input needs no encoding: return it untouched.
    for (; i < n; i++) {
      const c = StringPrototypeCharCodeAt(str, i);
      if (c >= 0x80 || set[c] || (spaceAsPlus && c === 0x20)) break;
    }
    if (i === n) return str;
    let out = StringPrototypeSlice(str, 0, i);
    for (; i < n; i++) {
      let cp = StringPrototypeCharCodeAt(str, i);
      if (cp < 0x80) {
        if (spaceAsPlus && cp === 0x20) out += '+';
        else if (set[cp]) out += '%' + url_HEX[cp >> 4] + url_HEX[cp & 15];
        else out += str[i];
        continue;
      }
      if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n) {
        const next = StringPrototypeCharCodeAt(str, i + 1);
        if (next >= 0xDC00 && next <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (next - 0xDC00);
          i++;
        }
      }
      out = url_encodeCodePoint(cp, out);
    }
    return out;
  }

  // ---------------------------------------------------------------------
  // application/x-www-form-urlencoded

  function url_formDecode(str) {
    if (StringPrototypeIndexOf(str, '+') !== -1) str = url_mapChars(str, (c) => (c === 0x2B ? ' ' : undefined));
    if (StringPrototypeIndexOf(str, '%') === -1) return str;
    return url_utf8Decode(url_percentDecode(str));
  }

  function url_formParse(input) {
    const list = [];
    if (input === '') return list;
    const sequences = stringSplit(input, '&');
    for (let i = 0; i < sequences.length; i++) {
      const sequence = sequences[i];
      if (sequence === '') continue;
      const eq = StringPrototypeIndexOf(sequence, '=');
      const name = eq === -1 ? sequence : StringPrototypeSlice(sequence, 0, eq);
      const value = eq === -1 ? '' : StringPrototypeSlice(sequence, eq + 1);
      list[list.length] = [url_formDecode(name), url_formDecode(value)];
    }
    return list;
  }

  function url_formSerialize(list) {
    let out = '';
    for (let i = 0; i < list.length; i++) {
      if (i > 0) out += '&';
      out += url_percentEncode(list[i][0], url_FORM_SET, true) + '='
        + url_percentEncode(list[i][1], url_FORM_SET, true);
    }
    return out;
  }

  // ---------------------------------------------------------------------
  // Hosts

  const url_FORBIDDEN_HOST = /[\0\t\n\r #/:<>?@[\\\]^|]/;
  const url_FORBIDDEN_DOMAIN = /[\0-\x20#%/:<>?@[\\\]^|\x7F]/;
  const url_NON_ASCII = /[^\x00-\x7F]/;
  const url_PUNYCODE_LABEL = /(^|\.)xn--/;
  // The host side refuses longer domains (Chromium's bound for hosts that need IDNA); such a
  // domain fails here without crossing to it.
  const url_IDNA_MAX_LENGTH = 253 * 5;

  // Domain to ASCII with beStrict false. A domain of ASCII without an "xn--" label comes out
  // lowercased, as UTS #46 would leave it; any other goes through UTS #46 ToASCII on the host
  // (ICU4J), in one call. Returns null on failure.
  function url_domainToAscii(domain) {
    if (!regExpTest(url_NON_ASCII, domain)) {
      const lower = StringPrototypeToLowerCase(domain);
      if (!regExpTest(url_PUNYCODE_LABEL, lower)) return lower;
    }
    if (domain.length > url_IDNA_MAX_LENGTH) return null;
    const result = host.idnaToAscii(domain);
    return result === '' ? null : result;
  }

  function url_parseIPv4Number(input) {
    if (input === '') return null;
    let radix = 10;
    if (input.length >= 2 && (input[1] === 'x' || input[1] === 'X') && input[0] === '0') {
      input = StringPrototypeSlice(input, 2);
      radix = 16;
    } else if (input.length >= 2 && input[0] === '0') {
      input = StringPrototypeSlice(input, 1);
      radix = 8;
    }
    if (input === '') return 0;
    const valid = radix === 10 ? url_DECIMAL : radix === 16 ? url_HEXADECIMAL : url_OCTAL;
    if (!regExpTest(valid, input)) return null;
    return NumberParseInt(input, radix);
  }
  const url_DECIMAL = /^[0-9]+$/;
  const url_HEXADECIMAL = /^[0-9A-Fa-f]+$/;
  const url_OCTAL = /^[0-7]+$/;

  function url_endsInANumber(input) {
    const parts = stringSplit(input, '.');
    if (parts[parts.length - 1] === '') {
      if (parts.length === 1) return false;
      parts.length--;
    }
    const last = parts[parts.length - 1];
    if (regExpTest(url_DECIMAL, last)) return true;
    return url_parseIPv4Number(last) !== null;
  }

  function url_parseIPv4(input) {
    const parts = stringSplit(input, '.');
    if (parts[parts.length - 1] === '' && parts.length > 1) parts.length--;
    if (parts.length > 4) return null;
    const numbers = [];
    for (let i = 0; i < parts.length; i++) {
      const n = url_parseIPv4Number(parts[i]);
      if (n === null) return null;
      numbers[numbers.length] = n;
    }
    const count = numbers.length;
    for (let i = 0; i < count - 1; i++) if (numbers[i] > 255) return null;
    if (numbers[count - 1] >= 256 ** (5 - count)) return null;
    let ipv4 = numbers[count - 1];
    for (let i = 0; i < count - 1; i++) ipv4 += numbers[i] * 256 ** (3 - i);
    return ipv4;
  }

  function url_serializeIPv4(address) {
    let out = '';
    for (let i = 0; i < 4; i++) {
      out = String(address % 256) + (i === 0 ? '' : '.') + out;
      address = MathFloor(address / 256);
    }
    return out;
  }

  function url_parseIPv6(str) {
    const input = url_codePoints(str);
    const address = [0, 0, 0, 0, 0, 0, 0, 0];
    let pieceIndex = 0;
    let compress = null;
    let pointer = 0;
    const isDigit = (c) => c !== undefined && c >= '0' && c <= '9';
    if (input[pointer] === ':') {
      if (input[pointer + 1] !== ':') return null;
      pointer += 2;
      pieceIndex++;
      compress = pieceIndex;
    }
    while (input[pointer] !== undefined) {
      if (pieceIndex === 8) return null;
      if (input[pointer] === ':') {
        if (compress !== null) return null;
        pointer++;
        pieceIndex++;
        compress = pieceIndex;
        continue;
      }
      let value = 0;
      let length = 0;
      while (length < 4 && url_isHex(input[pointer])) {
        value = value * 16 + url_hexValue(StringPrototypeCharCodeAt(input[pointer], 0));
        pointer++;
        length++;
      }
      if (input[pointer] === '.') {
        if (length === 0) return null;
        pointer -= length;
        if (pieceIndex > 6) return null;
        let numbersSeen = 0;
        while (input[pointer] !== undefined) {
          let ipv4Piece = null;
          if (numbersSeen > 0) {
            if (input[pointer] === '.' && numbersSeen < 4) pointer++;
            else return null;
          }
          if (!isDigit(input[pointer])) return null;
          while (isDigit(input[pointer])) {
            const number = StringPrototypeCharCodeAt(input[pointer], 0) - 0x30;
            if (ipv4Piece === null) ipv4Piece = number;
            else if (ipv4Piece === 0) return null;
            else ipv4Piece = ipv4Piece * 10 + number;
            if (ipv4Piece > 255) return null;
            pointer++;
          }
          address[pieceIndex] = address[pieceIndex] * 0x100 + ipv4Piece;
          numbersSeen++;
          if (numbersSeen === 2 || numbersSeen === 4) pieceIndex++;
        }
        if (numbersSeen !== 4) return null;
        break;
      } else if (input[pointer] === ':') {
        pointer++;
        if (input[pointer] === undefined) return null;
      } else if (input[pointer] !== undefined) {
        return null;
      }
      address[pieceIndex] = value;
      pieceIndex++;
    }
    if (compress !== null) {
      let swaps = pieceIndex - compress;
      pieceIndex = 7;
      while (pieceIndex !== 0 && swaps > 0) {
        const tmp = address[pieceIndex];
        address[pieceIndex] = address[compress + swaps - 1];
        address[compress + swaps - 1] = tmp;
        pieceIndex--;
        swaps--;
      }
    } else if (pieceIndex !== 8) {
      return null;
    }
    return address;
  }

  function url_serializeIPv6(address) {
    // The first longest run of two or more zero pieces is compressed.
    let compress = null;
    let bestLength = 1;
    for (let i = 0; i < 8;) {
      if (address[i] !== 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && address[j] === 0) j++;
      if (j - i > bestLength) {
        bestLength = j - i;
        compress = i;
      }
      i = j;
    }
    let output = '';
    let ignore0 = false;
    for (let i = 0; i < 8; i++) {
      if (ignore0 && address[i] === 0) continue;
      ignore0 = false;
      if (compress === i) {
        output += i === 0 ? '::' : ':';
        ignore0 = true;
        continue;
      }
      output += NumberPrototypeToString(address[i], 16);
      if (i !== 7) output += ':';
    }
    return output;
  }

  // Host parser; returns the serialized host, or null on failure.
  function url_parseHost(input, isOpaque) {
    if (input[0] === '[') {
      if (input[input.length - 1] !== ']') return null;
      const address = url_parseIPv6(StringPrototypeSlice(input, 1, -1));
      return address === null ? null : '[' + url_serializeIPv6(address) + ']';
    }
    if (isOpaque) {
      if (regExpTest(url_FORBIDDEN_HOST, input)) return null;
      return url_percentEncode(input, url_C0_SET);
    }
    const domain = StringPrototypeIndexOf(input, '%') === -1 ? input : url_utf8Decode(url_percentDecode(input));
    const asciiDomain = url_domainToAscii(domain);
    if (asciiDomain === null || regExpTest(url_FORBIDDEN_DOMAIN, asciiDomain)) return null;
    if (url_endsInANumber(asciiDomain)) {
      const ipv4 = url_parseIPv4(asciiDomain);
      return ipv4 === null ? null : url_serializeIPv4(ipv4);
    }
    return asciiDomain;
  }

  // ---------------------------------------------------------------------
  // URL records and the basic URL parser

  const url_SPECIAL = safeMapOf([
    ['ftp', 21], ['file', null], ['http', 80], ['https', 443], ['ws', 80], ['wss', 443],
  ]);

  // A URL record. `host` holds the serialized host (or null); `path` is a
  // list of segments, or a string when the URL has an opaque path.
  function url_newRecord() {
    return {
      scheme: '', username: '', password: '', host: null, port: null,
      path: [], query: null, fragment: null,
    };
  }

  const url_isSpecial = (r) => url_SPECIAL.has(r.scheme);
  const url_defaultPort = (scheme) => url_SPECIAL.get(scheme) ?? null;
  const url_hasOpaquePath = (r) => typeof r.path === 'string';
  const url_includesCredentials = (r) => r.username !== '' || r.password !== '';
  const url_cannotHaveCredentialsOrPort = (r) => r.host === null || r.host === '' || r.scheme === 'file';

  const url_ALPHA = /^[A-Za-z]$/;
  const url_isAlpha = (c) => c !== undefined && regExpTest(url_ALPHA, c);
  const url_isDigit = (c) => c !== undefined && c >= '0' && c <= '9';
  const url_isWindowsDriveLetter = (s) => s.length === 2 && url_isAlpha(s[0]) && (s[1] === ':' || s[1] === '|');
  const url_isNormalizedWindowsDriveLetter = (s) => typeof s === 'string' && s.length === 2
    && url_isAlpha(s[0]) && s[1] === ':';
  const url_isSingleDot = (s) => s === '.' || StringPrototypeToLowerCase(s) === '%2e';
  const url_isDoubleDot = (s) => {
    switch (s.length) {
      case 2: return s === '..';
      case 4: { const l = StringPrototypeToLowerCase(s); return l === '.%2e' || l === '%2e.'; }
      case 6: return StringPrototypeToLowerCase(s) === '%2e%2e';
      default: return false;
    }
  };

  function url_startsWithWindowsDriveLetter(cps, pointer) {
    if (cps.length - pointer < 2) return false;
    if (!url_isAlpha(cps[pointer]) || (cps[pointer + 1] !== ':' && cps[pointer + 1] !== '|')) return false;
    if (cps.length - pointer === 2) return true;
    const third = cps[pointer + 2];
    return third === '/' || third === '\\' || third === '?' || third === '#';
  }

  function url_shortenPath(r) {
    const path = r.path;
    if (r.scheme === 'file' && path.length === 1 && url_isNormalizedWindowsDriveLetter(path[0])) return;
    if (path.length > 0) path.length--;
  }

  const S_SCHEME_START = 1;
  const S_SCHEME = 2;
  const S_NO_SCHEME = 3;
  const S_SPECIAL_RELATIVE_OR_AUTHORITY = 4;
  const S_PATH_OR_AUTHORITY = 5;
  const S_RELATIVE = 6;
  const S_RELATIVE_SLASH = 7;
  const S_SPECIAL_AUTHORITY_SLASHES = 8;
  const S_SPECIAL_AUTHORITY_IGNORE_SLASHES = 9;
  const S_AUTHORITY = 10;
  const S_HOST = 11;
  const S_HOSTNAME = 12;
  const S_PORT = 13;
  const S_FILE = 14;
  const S_FILE_SLASH = 15;
  const S_FILE_HOST = 16;
  const S_PATH_START = 17;
  const S_PATH = 18;
  const S_OPAQUE_PATH = 19;
  const S_QUERY = 20;
  const S_FRAGMENT = 21;

  // The basic URL parser. Without `url` it returns a new record or null on
  // failure. With `url` and `stateOverride` (the setters) it modifies `url`
  // in place; its return value then only says whether it failed.
  function url_basicParse(input, base, url, stateOverride) {
    if (!url) {
      url = url_newRecord();
      // Strips leading and trailing C0 controls and spaces (a loop, as a
      // regular expression anchored at the end backtracks quadratically).
      let start = 0;
      let end = input.length;
      while (start < end && StringPrototypeCharCodeAt(input, start) <= 0x20) start++;
      while (end > start && StringPrototypeCharCodeAt(input, end - 1) <= 0x20) end--;
      input = StringPrototypeSlice(input, start, end);
    }
    input = url_mapChars(input, (c) => (c === 0x09 || c === 0x0A || c === 0x0D ? '' : undefined));
    const cps = url_codePoints(input);
    const len = cps.length;
    let state = stateOverride || S_SCHEME_START;
    let buffer = '';
    let atSignSeen = false;
    let insideBrackets = false;
    let passwordTokenSeen = false;
    let pointer = 0;

    for (;;) {
      const c = cps[pointer]; // undefined is the EOF code point
      switch (state) {
        case S_SCHEME_START:
          if (url_isAlpha(c)) {
            buffer += StringPrototypeToLowerCase(c);
            state = S_SCHEME;
          } else if (!stateOverride) {
            state = S_NO_SCHEME;
            pointer--;
          } else {
            return null;
          }
          break;

        case S_SCHEME:
          if (c !== undefined && (url_isAlpha(c) || url_isDigit(c) || c === '+' || c === '-' || c === '.')) {
            buffer += StringPrototypeToLowerCase(c);
          } else if (c === ':') {
            if (stateOverride) {
              if (url_isSpecial(url) !== url_SPECIAL.has(buffer)) return url;
              if ((url_includesCredentials(url) || url.port !== null) && buffer === 'file') return url;
              if (url.scheme === 'file' && url.host === '') return url;
            }
            url.scheme = buffer;
            if (stateOverride) {
              if (url.port === url_defaultPort(url.scheme)) url.port = null;
              return url;
            }
            buffer = '';
            if (url.scheme === 'file') {
              state = S_FILE;
            } else if (url_isSpecial(url) && base && base.scheme === url.scheme) {
              state = S_SPECIAL_RELATIVE_OR_AUTHORITY;
            } else if (url_isSpecial(url)) {
              state = S_SPECIAL_AUTHORITY_SLASHES;
            } else if (cps[pointer + 1] === '/') {
              state = S_PATH_OR_AUTHORITY;
              pointer++;
            } else {
              url.path = '';
              state = S_OPAQUE_PATH;
            }
          } else if (!stateOverride) {
            buffer = '';
            state = S_NO_SCHEME;
            pointer = -1;
          } else {
            return null;
          }
          break;

        case S_NO_SCHEME:
          if (!base || (url_hasOpaquePath(base) && c !== '#')) return null;
          if (url_hasOpaquePath(base)) {
            url.scheme = base.scheme;
            url.path = base.path;
            url.query = base.query;
            url.fragment = '';
            state = S_FRAGMENT;
          } else {
            state = base.scheme === 'file' ? S_FILE : S_RELATIVE;
            pointer--;
          }
          break;

        case S_SPECIAL_RELATIVE_OR_AUTHORITY:
          if (c === '/' && cps[pointer + 1] === '/') {
            state = S_SPECIAL_AUTHORITY_IGNORE_SLASHES;
            pointer++;
          } else {
            state = S_RELATIVE;
            pointer--;
          }
          break;

        case S_PATH_OR_AUTHORITY:
          if (c === '/') {
            state = S_AUTHORITY;
          } else {
            state = S_PATH;
            pointer--;
          }
          break;

        case S_RELATIVE:
          url.scheme = base.scheme;
          if (c === '/' || (c === '\\' && url_isSpecial(url))) {
            state = S_RELATIVE_SLASH;
          } else {
            url.username = base.username;
            url.password = base.password;
            url.host = base.host;
            url.port = base.port;
            url.path = copyList(base.path);
            url.query = base.query;
            if (c === '?') {
              url.query = '';
              state = S_QUERY;
            } else if (c === '#') {
              url.fragment = '';
              state = S_FRAGMENT;
            } else if (c !== undefined) {
              url.query = null;
              url_shortenPath(url);
              state = S_PATH;
              pointer--;
            }
          }
          break;

        case S_RELATIVE_SLASH:
          if (url_isSpecial(url) && (c === '/' || c === '\\')) {
            state = S_SPECIAL_AUTHORITY_IGNORE_SLASHES;
          } else if (c === '/') {
            state = S_AUTHORITY;
          } else {
            url.username = base.username;
            url.password = base.password;
            url.host = base.host;
            url.port = base.port;
            state = S_PATH;
            pointer--;
          }
          break;

        case S_SPECIAL_AUTHORITY_SLASHES:
          state = S_SPECIAL_AUTHORITY_IGNORE_SLASHES;
          if (c === '/' && cps[pointer + 1] === '/') pointer++;
          else pointer--;
          break;

        case S_SPECIAL_AUTHORITY_IGNORE_SLASHES:
          if (c !== '/' && c !== '\\') {
            state = S_AUTHORITY;
            pointer--;
          }
          break;

        case S_AUTHORITY:
          if (c === '@') {
            if (atSignSeen) buffer = '%40' + buffer;
            atSignSeen = true;
            const chars = url_codePoints(buffer);
            for (let k = 0; k < chars.length; k++) {
              const ch = chars[k];
              if (ch === ':' && !passwordTokenSeen) {
                passwordTokenSeen = true;
                continue;
              }
              const encoded = url_percentEncode(ch, url_USERINFO_SET);
              if (passwordTokenSeen) url.password += encoded;
              else url.username += encoded;
            }
            buffer = '';
          } else if (c === undefined || c === '/' || c === '?' || c === '#'
              || (c === '\\' && url_isSpecial(url))) {
            if (atSignSeen && buffer === '') return null;
            pointer -= url_codePointCount(buffer) + 1;
            buffer = '';
            state = S_HOST;
          } else {
            buffer += c;
          }
          break;

        case S_HOST:
        case S_HOSTNAME:
          if (stateOverride && url.scheme === 'file') {
            pointer--;
            state = S_FILE_HOST;
          } else if (c === ':' && !insideBrackets) {
            if (buffer === '') return null;
            if (stateOverride === S_HOSTNAME) return null;
            const host = url_parseHost(buffer, !url_isSpecial(url));
            if (host === null) return null;
            url.host = host;
            buffer = '';
            state = S_PORT;
          } else if (c === undefined || c === '/' || c === '?' || c === '#'
              || (c === '\\' && url_isSpecial(url))) {
            pointer--;
            if (url_isSpecial(url) && buffer === '') return null;
            if (stateOverride && buffer === '' && (url_includesCredentials(url) || url.port !== null)) {
              return null;
            }
            const host = url_parseHost(buffer, !url_isSpecial(url));
            if (host === null) return null;
            url.host = host;
            buffer = '';
            state = S_PATH_START;
            if (stateOverride) return url;
          } else {
            if (c === '[') insideBrackets = true;
            if (c === ']') insideBrackets = false;
            buffer += c;
          }
          break;

        case S_PORT:
          if (url_isDigit(c)) {
            buffer += c;
          } else if (c === undefined || c === '/' || c === '?' || c === '#'
              || (c === '\\' && url_isSpecial(url)) || stateOverride) {
            if (buffer !== '') {
              const port = NumberParseInt(buffer, 10);
              if (port > 65535) return null;
              url.port = port === url_defaultPort(url.scheme) ? null : port;
              buffer = '';
              if (stateOverride) return url;
            }
            if (stateOverride) return null;
            state = S_PATH_START;
            pointer--;
          } else {
            return null;
          }
          break;

        case S_FILE:
          url.scheme = 'file';
          url.host = '';
          if (c === '/' || c === '\\') {
            state = S_FILE_SLASH;
          } else if (base && base.scheme === 'file') {
            url.host = base.host;
            url.path = copyList(base.path);
            url.query = base.query;
            if (c === '?') {
              url.query = '';
              state = S_QUERY;
            } else if (c === '#') {
              url.fragment = '';
              state = S_FRAGMENT;
            } else if (c !== undefined) {
              url.query = null;
              if (!url_startsWithWindowsDriveLetter(cps, pointer)) url_shortenPath(url);
              else url.path = [];
              state = S_PATH;
              pointer--;
            }
          } else {
            state = S_PATH;
            pointer--;
          }
          break;

        case S_FILE_SLASH:
          if (c === '/' || c === '\\') {
            state = S_FILE_HOST;
          } else {
            if (base && base.scheme === 'file') {
              url.host = base.host;
              if (!url_startsWithWindowsDriveLetter(cps, pointer)
                  && url_isNormalizedWindowsDriveLetter(base.path[0])) {
                url.path[url.path.length] = base.path[0];
              }
            }
            state = S_PATH;
            pointer--;
          }
          break;

        case S_FILE_HOST:
          if (c === undefined || c === '/' || c === '\\' || c === '?' || c === '#') {
            pointer--;
            if (!stateOverride && url_isWindowsDriveLetter(buffer)) {
              // The buffer is kept: it becomes the first path segment.
              state = S_PATH;
            } else if (buffer === '') {
              url.host = '';
              if (stateOverride) return url;
              state = S_PATH_START;
            } else {
              let host = url_parseHost(buffer, !url_isSpecial(url));
              if (host === null) return null;
              if (host === 'localhost') host = '';
              url.host = host;
              if (stateOverride) return url;
              buffer = '';
              state = S_PATH_START;
            }
          } else {
            buffer += c;
          }
          break;

        case S_PATH_START:
          if (url_isSpecial(url)) {
            state = S_PATH;
            if (c !== '/' && c !== '\\') pointer--;
          } else if (!stateOverride && c === '?') {
            url.query = '';
            state = S_QUERY;
          } else if (!stateOverride && c === '#') {
            url.fragment = '';
            state = S_FRAGMENT;
          } else if (c !== undefined) {
            state = S_PATH;
            if (c !== '/') pointer--;
          } else if (stateOverride && url.host === null) {
            url.path[url.path.length] = '';
          }
          break;

        case S_PATH: {
          const slash = c === '/' || (c === '\\' && url_isSpecial(url));
          if (c === undefined || slash || (!stateOverride && (c === '?' || c === '#'))) {
            const path = url.path;
            if (url_isDoubleDot(buffer)) {
              url_shortenPath(url);
              if (!slash) path[path.length] = '';
            } else if (url_isSingleDot(buffer)) {
              if (!slash) path[path.length] = '';
            } else {
              if (url.scheme === 'file' && path.length === 0 && url_isWindowsDriveLetter(buffer)) {
                buffer = buffer[0] + ':';
              }
              path[path.length] = buffer;
            }
            buffer = '';
            if (c === '?') {
              url.query = '';
              state = S_QUERY;
            } else if (c === '#') {
              url.fragment = '';
              state = S_FRAGMENT;
            }
          } else {
            buffer += url_percentEncode(c, url_PATH_SET);
          }
          break;
        }

        case S_OPAQUE_PATH:
          if (c === '?') {
            url.query = '';
            state = S_QUERY;
          } else if (c === '#') {
            url.fragment = '';
            state = S_FRAGMENT;
          } else if (c === ' ') {
            // A space right before the query or fragment is encoded so that
            // removing those later cannot leave a trailing space.
            const next = cps[pointer + 1];
            url.path += next === '?' || next === '#' ? '%20' : ' ';
          } else if (c !== undefined) {
            url.path += url_percentEncode(c, url_C0_SET);
          }
          break;

        case S_QUERY:
          if (c === undefined || (!stateOverride && c === '#')) {
            url.query += url_percentEncode(buffer,
              url_isSpecial(url) ? url_SPECIAL_QUERY_SET : url_QUERY_SET);
            buffer = '';
            if (c === '#') {
              url.fragment = '';
              state = S_FRAGMENT;
            }
          } else {
            buffer += c;
          }
          break;

        case S_FRAGMENT:
          if (c !== undefined) url.fragment += url_percentEncode(c, url_FRAGMENT_SET);
          break;
      }
      if (pointer >= len) break;
      pointer++;
    }
    return url;
  }

  function url_serializePath(r) {
    if (url_hasOpaquePath(r)) return r.path;
    let out = '';
    const path = r.path;
    for (let i = 0; i < path.length; i++) out += '/' + path[i];
    return out;
  }

  function url_serialize(r, excludeFragment = false) {
    let out = r.scheme + ':';
    if (r.host !== null) {
      out += '//';
      if (url_includesCredentials(r)) {
        out += r.username;
        if (r.password !== '') out += ':' + r.password;
        out += '@';
      }
      out += r.host;
      if (r.port !== null) out += ':' + r.port;
    } else if (!url_hasOpaquePath(r) && r.path.length > 1 && r.path[0] === '') {
      // Keeps "//" at the start of the path from reading as an authority.
      out += '/.';
    }
    out += url_serializePath(r);
    if (r.query !== null) out += '?' + r.query;
    if (!excludeFragment && r.fragment !== null) out += '#' + r.fragment;
    return out;
  }

  function url_serializeOrigin(r) {
    switch (r.scheme) {
      case 'blob': {
        const inner = url_basicParse(url_serializePath(r), null);
        if (inner && (inner.scheme === 'http' || inner.scheme === 'https')) return url_serializeOrigin(inner);
        return 'null';
      }
      case 'ftp':
      case 'http':
      case 'https':
      case 'ws':
      case 'wss':
        return r.scheme + '://' + r.host + (r.port !== null ? ':' + r.port : '');
      default:
        return 'null';
    }
  }

  // Parses `url` against an optional `base` string the way the URL
  // constructor does; returns a record or null.
  function url_parseWithBase(url, base) {
    let baseRecord = null;
    if (base !== undefined) {
      baseRecord = url_basicParse(base, null);
      if (baseRecord === null) return null;
    }
    return url_basicParse(url, baseRecord);
  }

  // ---------------------------------------------------------------------
  // URLSearchParams

  // Privileged access between the two classes, filled in by static blocks.
  let url_spCreate;   // (urlObject, list) => URLSearchParams linked to it
  let url_spSetList;  // (params, list) => void
  let url_spList;     // (params) => list
  let url_recordOf;   // (urlObject) => URL record

  const url_IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

  function url_toSequence(value, what) {
    const method = value[Symbol.iterator];
    if (typeof method !== 'function') {
      throw new TypeError(`${what}: The provided value cannot be converted to a sequence.`);
    }
    const out = [];
    const iterator = ReflectApply(method, value, []);
    if (iterator === null || (typeof iterator !== 'object' && typeof iterator !== 'function')) {
      throw new TypeError(`${what}: Result of the Symbol.iterator method is not an object`);
    }
    const next = iterator.next;
    for (;;) {
      const step = ReflectApply(next, iterator, []);
      if (step === null || (typeof step !== 'object' && typeof step !== 'function')) {
        throw new TypeError(`${what}: Iterator result is not an object`);
      }
      if (step.done) return out;
      out[out.length] = step.value;
    }
  }

  const url_isObject = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');

  class URLSearchParams {
    #list = [];
    #url = null;

    constructor(init = '') {
      const what = "Failed to construct 'URLSearchParams'";
      if (url_isObject(init)) {
        if (init[Symbol.iterator] !== undefined) {
          const pairs = url_toSequence(init, what);
          for (let i = 0; i < pairs.length; i++) {
            const pair = pairs[i];
            if (!url_isObject(pair)) {
              throw new TypeError(`${what}: The provided value cannot be converted to a sequence.`);
            }
            const items = url_toSequence(pair, what);
            if (items.length !== 2) {
              throw new TypeError(`${what}: Sequence initializer must only contain pair elements`);
            }
            const list = this.#list;
            list[list.length] = [url_usv(items[0], what), url_usv(items[1], what)];
          }
        } else {
          // record<USVString, USVString>: later duplicates of a converted key
          // overwrite the value in place.
          const record = new SafeMap();
          const keys = ReflectOwnKeys(init);
          for (let i = 0; i < keys.length; i++) {
            const desc = ReflectGetOwnPropertyDescriptor(init, keys[i]);
            if (desc === undefined || !desc.enumerable) continue;
            const typedKey = url_usv(keys[i], what);
            record.set(typedKey, url_usv(init[keys[i]], what));
          }
          const list = this.#list;
          record.forEach((value, name) => {
            list[list.length] = [name, value];
          });
        }
      } else {
        let s = url_usv(init, what);
        if (s[0] === '?') s = StringPrototypeSlice(s, 1);
        this.#list = url_formParse(s);
      }
    }

    static {
      url_spCreate = (urlObject, list) => {
        const params = new URLSearchParams();
        params.#list = list;
        params.#url = urlObject;
        return params;
      };
      url_spSetList = (params, list) => {
        params.#list = list;
      };
      url_spList = (params) => params.#list;
      urlSearchParamsString = (value) => (url_isObject(value) && #list in value ? url_formSerialize(value.#list) : null);
    }

    static #brandCheck(object) {
      if (!(#list in object)) throw new TypeError('Illegal invocation');
    }

    // The URLSearchParams update steps: the linked URL's query follows.
    #update() {
      if (this.#url === null) return;
      const serialized = url_formSerialize(this.#list);
      url_recordOf(this.#url).query = serialized === '' ? null : serialized;
    }

    get size() {
      return this.#list.length;
    }

    append(name, value) {
      const list = this.#list;
      requireArguments(arguments.length, 2, "Failed to execute 'append' on 'URLSearchParams'");
      list[list.length] = [url_usv(name, 'name'), url_usv(value, 'value')];
      this.#update();
    }

    delete(name, value = undefined) {
      const list = this.#list;
      requireArguments(arguments.length, 1, "Failed to execute 'delete' on 'URLSearchParams'");
      name = url_usv(name, 'name');
      if (value !== undefined) value = url_usv(value, 'value');
      const kept = [];
      for (let i = 0; i < list.length; i++) {
        const pair = list[i];
        if (pair[0] !== name || (value !== undefined && pair[1] !== value)) kept[kept.length] = pair;
      }
      this.#list = kept;
      this.#update();
    }

    get(name) {
      const list = this.#list;
      requireArguments(arguments.length, 1, "Failed to execute 'get' on 'URLSearchParams'");
      name = url_usv(name, 'name');
      for (let i = 0; i < list.length; i++) if (list[i][0] === name) return list[i][1];
      return null;
    }

    getAll(name) {
      const list = this.#list;
      requireArguments(arguments.length, 1, "Failed to execute 'getAll' on 'URLSearchParams'");
      name = url_usv(name, 'name');
      const out = [];
      for (let i = 0; i < list.length; i++) if (list[i][0] === name) out[out.length] = list[i][1];
      return out;
    }

    has(name, value = undefined) {
      const list = this.#list;
      requireArguments(arguments.length, 1, "Failed to execute 'has' on 'URLSearchParams'");
      name = url_usv(name, 'name');
      if (value !== undefined) value = url_usv(value, 'value');
      for (let i = 0; i < list.length; i++) {
        if (list[i][0] === name && (value === undefined || list[i][1] === value)) return true;
      }
      return false;
    }

    set(name, value) {
      const list = this.#list;
      requireArguments(arguments.length, 2, "Failed to execute 'set' on 'URLSearchParams'");
      name = url_usv(name, 'name');
      value = url_usv(value, 'value');
      let index = -1;
      for (let i = 0; i < list.length && index === -1; i++) if (list[i][0] === name) index = i;
      if (index === -1) {
        list[list.length] = [name, value];
      } else {
        list[index] = [name, value];
        const kept = [];
        for (let i = 0; i < list.length; i++) {
          if (i <= index || list[i][0] !== name) kept[kept.length] = list[i];
        }
        this.#list = kept;
      }
      this.#update();
    }

    sort() {
      // Array.prototype.sort is stable; names compare by UTF-16 code units.
      ArrayPrototypeSort(this.#list, (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.#update();
    }

    forEach(callback, thisArg = undefined) {
      URLSearchParams.#brandCheck(this);
      requireArguments(arguments.length, 1, "Failed to execute 'forEach' on 'URLSearchParams'");
      if (typeof callback !== 'function') {
        throw new TypeError("Failed to execute 'forEach' on 'URLSearchParams': parameter 1 is not of type 'Function'.");
      }
      // The list is re-read on every step so changes made by the callback
      // are observed, as Web IDL iteration requires.
      for (let i = 0; i < this.#list.length; i++) {
        const pair = this.#list[i];
        ReflectApply(callback, thisArg, [pair[1], pair[0], this]);
      }
    }

    keys() {
      URLSearchParams.#brandCheck(this);
      return new URLSearchParamsIterator(this, 'key');
    }

    values() {
      URLSearchParams.#brandCheck(this);
      return new URLSearchParamsIterator(this, 'value');
    }

    entries() {
      URLSearchParams.#brandCheck(this);
      return new URLSearchParamsIterator(this, 'key+value');
    }

    toString() {
      return url_formSerialize(this.#list);
    }
  }
  Object.defineProperty(URLSearchParams.prototype, Symbol.iterator, {
    value: URLSearchParams.prototype.entries, writable: true, configurable: true,
  });
  webIdlClass(URLSearchParams);

  // Web IDL pair iterator: live over the list, by index.
  class URLSearchParamsIterator {
    #params;
    #kind;
    #index = 0;

    constructor(params, kind) {
      this.#params = params;
      this.#kind = kind;
    }

    next() {
      const list = url_spList(this.#params);
      if (this.#index >= list.length) return { value: undefined, done: true };
      const pair = list[this.#index++];
      switch (this.#kind) {
        case 'key': return { value: pair[0], done: false };
        case 'value': return { value: pair[1], done: false };
        default: return { value: [pair[0], pair[1]], done: false };
      }
    }
  }
  Object.setPrototypeOf(URLSearchParamsIterator.prototype, url_IteratorPrototype);
  delete URLSearchParamsIterator.prototype.constructor;
  Object.defineProperty(URLSearchParamsIterator.prototype, Symbol.toStringTag, {
    value: 'URLSearchParams Iterator', configurable: true,
  });

  // ---------------------------------------------------------------------
  // URL

  // Marks a constructor call made by URL.parse; user code never sees it.
  const url_FROM_RECORD = Object.freeze({});

  class URL {
    #url;
    #query = null;

    constructor(url, base = undefined) {
      if (url === url_FROM_RECORD) {
        // Internal construction (URL.parse) from an already parsed record.
        this.#url = base;
        this.#query = url_spCreate(this, base.query === null ? [] : url_formParse(base.query));
        return;
      }
      const what = "Failed to construct 'URL'";
      requireArguments(arguments.length, 1, what);
      url = url_usv(url, what);
      if (base !== undefined) base = url_usv(base, what);
      const record = url_parseWithBase(url, base);
      if (record === null) {
        throw new TypeError(`Invalid URL: ${url}${base !== undefined ? ` (base: ${base})` : ''}`);
      }
      this.#url = record;
      this.#query = url_spCreate(this, record.query === null ? [] : url_formParse(record.query));
    }

    static {
      url_recordOf = (urlObject) => urlObject.#url;
      urlHrefOf = (value) => (url_isObject(value) && #url in value ? url_serialize(value.#url) : null);
    }

    static parse(url, base = undefined) {
      requireArguments(arguments.length, 1, "Failed to execute 'parse' on 'URL'");
      url = url_usv(url, 'url');
      if (base !== undefined) base = url_usv(base, 'base');
      const record = url_parseWithBase(url, base);
      return record === null ? null : new URL(url_FROM_RECORD, record);
    }

    static canParse(url, base = undefined) {
      requireArguments(arguments.length, 1, "Failed to execute 'canParse' on 'URL'");
      url = url_usv(url, 'url');
      if (base !== undefined) base = url_usv(base, 'base');
      return url_parseWithBase(url, base) !== null;
    }

    get href() {
      return url_serialize(this.#url);
    }

    set href(value) {
      value = url_usv(value, 'href');
      const record = url_basicParse(value, null);
      if (record === null) throw new TypeError(`Invalid URL: ${value}`);
      this.#url = record;
      url_spSetList(this.#query, record.query === null ? [] : url_formParse(record.query));
    }

    get origin() {
      return url_serializeOrigin(this.#url);
    }

    get protocol() {
      return this.#url.scheme + ':';
    }

    set protocol(value) {
      value = url_usv(value, 'protocol');
      url_basicParse(value + ':', null, this.#url, S_SCHEME_START);
    }

    get username() {
      return this.#url.username;
    }

    set username(value) {
      value = url_usv(value, 'username');
      if (url_cannotHaveCredentialsOrPort(this.#url)) return;
      this.#url.username = url_percentEncode(value, url_USERINFO_SET);
    }

    get password() {
      return this.#url.password;
    }

    set password(value) {
      value = url_usv(value, 'password');
      if (url_cannotHaveCredentialsOrPort(this.#url)) return;
      this.#url.password = url_percentEncode(value, url_USERINFO_SET);
    }

    get host() {
      const r = this.#url;
      if (r.host === null) return '';
      return r.port === null ? r.host : r.host + ':' + r.port;
    }

    set host(value) {
      value = url_usv(value, 'host');
      if (url_hasOpaquePath(this.#url)) return;
      url_basicParse(value, null, this.#url, S_HOST);
    }

    get hostname() {
      return this.#url.host ?? '';
    }

    set hostname(value) {
      value = url_usv(value, 'hostname');
      if (url_hasOpaquePath(this.#url)) return;
      url_basicParse(value, null, this.#url, S_HOSTNAME);
    }

    get port() {
      return this.#url.port === null ? '' : String(this.#url.port);
    }

    set port(value) {
      value = url_usv(value, 'port');
      if (url_cannotHaveCredentialsOrPort(this.#url)) return;
      if (value === '') this.#url.port = null;
      else url_basicParse(value, null, this.#url, S_PORT);
    }

    get pathname() {
      return url_serializePath(this.#url);
    }

    set pathname(value) {
      value = url_usv(value, 'pathname');
      if (url_hasOpaquePath(this.#url)) return;
      this.#url.path = [];
      url_basicParse(value, null, this.#url, S_PATH_START);
    }

    get search() {
      const query = this.#url.query;
      return query === null || query === '' ? '' : '?' + query;
    }

    set search(value) {
      value = url_usv(value, 'search');
      if (value === '') {
        this.#url.query = null;
        url_spSetList(this.#query, []);
        return;
      }
      const input = value[0] === '?' ? StringPrototypeSlice(value, 1) : value;
      this.#url.query = '';
      url_basicParse(input, null, this.#url, S_QUERY);
      url_spSetList(this.#query, url_formParse(input));
    }

    get searchParams() {
      return this.#query;
    }

    get hash() {
      const fragment = this.#url.fragment;
      return fragment === null || fragment === '' ? '' : '#' + fragment;
    }

    set hash(value) {
      value = url_usv(value, 'hash');
      if (value === '') {
        this.#url.fragment = null;
        return;
      }
      const input = value[0] === '#' ? StringPrototypeSlice(value, 1) : value;
      this.#url.fragment = '';
      url_basicParse(input, null, this.#url, S_FRAGMENT);
    }

    toString() {
      return url_serialize(this.#url);
    }

    toJSON() {
      return url_serialize(this.#url);
    }
  }
  webIdlClass(URL);

  urlHref = (input) => {
    const record = url_basicParse(input, null);
    return record === null ? null : url_serialize(record);
  };

  const url_patternStates = {
    __proto__: null, hostname: S_HOSTNAME, port: S_PORT, pathname: S_PATH_START,
    'opaque pathname': S_OPAQUE_PATH, search: S_QUERY, hash: S_FRAGMENT,
  };
  urlPatternCanonical = (kind, value, protocol) => {
    if (value === '') return '';
    const invalid = () => new TypeError(`Invalid ${kind} '${value}'`);
    if (kind === 'protocol') {
      const record = url_basicParse(value + '://dummy.test', null);
      if (record === null) throw invalid();
      return record.scheme;
    }
    const record = url_newRecord();
    if (kind === 'username' || kind === 'password') {
      record[kind] = url_percentEncode(value, url_USERINFO_SET);
      return record[kind];
    }
    if (kind === 'port' && protocol !== undefined && protocol !== '') record.scheme = protocol;
    // Hostnames are parsed into a dummy https: URL, as the URL Pattern Standard has it: as
    // domains, never as opaque hosts.
    if (kind === 'hostname') record.scheme = 'https';
    if (kind === 'opaque pathname') record.path = '';
    if (kind === 'search') record.query = '';
    if (kind === 'hash') record.fragment = '';
    if (url_basicParse(value, null, record, url_patternStates[kind]) === null) throw invalid();
    switch (kind) {
      case 'hostname': return record.host ?? '';
      case 'port': return record.port === null ? '' : String(record.port);
      case 'pathname':
      case 'opaque pathname': return url_serializePath(record);
      case 'search': return record.query ?? '';
      default: return record.fragment ?? '';
    }
  };
  urlPatternComponents = (input, base) => {
    const record = url_parseWithBase(input, base);
    if (record === null) return null;
    return {
      protocol: record.scheme,
      username: record.username,
      password: record.password,
      hostname: record.host ?? '',
      port: record.port === null ? '' : String(record.port),
      pathname: url_serializePath(record),
      search: record.query ?? '',
      hash: record.fragment ?? '',
      opaquePath: url_hasOpaquePath(record),
    };
  };

  defineGlobal('URL', URL);
  defineGlobal('URLSearchParams', URLSearchParams);
}
