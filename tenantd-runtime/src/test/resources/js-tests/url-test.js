// Tests for url.js: the WHATWG URL parser, URL and URLSearchParams.
// Expected values follow the URL Standard; they were cross-checked against
// an independent implementation, and the few places where the current
// standard differs from older engines are noted next to the case.
import { assert, assertEquals, assertDeepEquals, assertThrows } from './assert.js';

function parseOrNull(input, base) {
  try {
    return base === undefined ? new URL(input) : new URL(input, base);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return null;
  }
}

const COMPONENTS = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname',
  'port', 'pathname', 'search', 'hash'];

export function parsesUrlTestData() {
  const failures = [];
  for (const [input, base, expected] of PARSE_CASES) {
    const url = parseOrNull(input, base);
    const actual = url === null ? null : url.href;
    if (actual !== expected) {
      failures.push(`${JSON.stringify(input)} against ${base}: expected ${expected} but was ${actual}`);
    }
    if (URL.canParse(input, base) !== (expected !== null)) {
      failures.push(`canParse(${JSON.stringify(input)}, ${base}) disagrees`);
    }
  }
  assert(failures.length === 0, `${failures.length} failures:\n${failures.join('\n')}`);
}

export function parsedComponents() {
  for (const [input, base, expected] of COMPONENT_CASES) {
    const url = base === undefined ? new URL(input) : new URL(input, base);
    for (const name of COMPONENTS) {
      assertEquals(url[name], expected[name], `${input} ${name}`);
    }
  }
}

export function settersFollowTheStandard() {
  const failures = [];
  for (const [href, setter, value, expected] of SETTER_CASES) {
    const url = new URL(href);
    url[setter] = value;
    if (url.href !== expected) {
      failures.push(`${href} .${setter} = ${JSON.stringify(value)}: expected ${expected} but was ${url.href}`);
    }
  }
  assert(failures.length === 0, `${failures.length} failures:\n${failures.join('\n')}`);
}

export function invalidUrlsThrowTypeError() {
  const error = assertThrows(() => new URL('http://exa mple.com'), TypeError);
  assert(error.message.startsWith('Invalid URL'), error.message);
  assertThrows(() => new URL('/relative'), TypeError);
  assertThrows(() => new URL(''), TypeError);
  assertThrows(() => new URL('http://[::1'), TypeError);
  assertThrows(() => new URL('https://'), TypeError);
  // An invalid base fails even when the input is absolute.
  assertThrows(() => new URL('http://ok/', 'not a base'), TypeError);
  // null is a string for the base argument; undefined means "no base".
  assertThrows(() => new URL('x', null), TypeError);
  assertEquals(new URL('http://a/', undefined).href, 'http://a/');
  assertThrows(() => new URL(), TypeError);
  assertThrows(() => new URL(Symbol('x')), TypeError);
  assertThrows(() => URL('http://a/'), TypeError);
}

export function argumentsAreConvertedToStrings() {
  assertEquals(new URL({ toString: () => 'http://example.com/x' }).href, 'http://example.com/x');
  assertEquals(new URL('b', new URL('http://example.com/a/c')).href, 'http://example.com/a/b');
  // Lone surrogates become U+FFFD before parsing.
  assertEquals(new URL('http://example.com/\uD800\uDFFF\uDC00?\uD800#\uDBFF').href,
    'http://example.com/%F0%90%8F%BF%EF%BF%BD?%EF%BF%BD#%EF%BF%BD');
  const url = new URL('http://example.com/');
  url.pathname = 12;
  assertEquals(url.pathname, '/12');
  assertThrows(() => { url.search = Symbol('s'); }, TypeError);
}

export function staticParseAndCanParse() {
  assertEquals(URL.canParse('http://a/'), true);
  assertEquals(URL.canParse('a'), false);
  assertEquals(URL.canParse('a', 'http://b/'), true);
  assertEquals(URL.canParse('http://a/', 'bad base'), false);
  assertThrows(() => URL.canParse(), TypeError);
  assertEquals(URL.parse('nope'), null);
  assertEquals(URL.parse('http://a/', 'bad base'), null);
  const parsed = URL.parse('../x?y#z', 'https://h/a/b/c');
  assert(parsed instanceof URL, 'URL.parse returns a URL');
  assertEquals(parsed.href, 'https://h/a/x?y#z');
  assertEquals(parsed.searchParams.get('y'), '');
  parsed.searchParams.set('k', 'v');
  assertEquals(parsed.href, 'https://h/a/x?y=&k=v#z');
  // The record is kept as parsed, not re-parsed from its serialization.
  assertEquals(URL.parse('web+demo:/.//not-a-host/').pathname, '//not-a-host/');
  assertEquals(URL.parse.length, 1);
  assertEquals(URL.canParse.length, 1);
}

export function stringificationAndBrand() {
  const url = new URL('https://example.com/a?b#c');
  assertEquals(url.toString(), 'https://example.com/a?b#c');
  assertEquals(`${url}`, 'https://example.com/a?b#c');
  assertEquals(url.toJSON(), 'https://example.com/a?b#c');
  assertEquals(JSON.stringify({ url }), '{"url":"https://example.com/a?b#c"}');
  assertEquals(Object.prototype.toString.call(url), '[object URL]');
  assertEquals(URL.length, 1);
  assertThrows(() => URL.prototype.toString.call({}), TypeError);
  assertThrows(() => Object.getOwnPropertyDescriptor(URL.prototype, 'href').get.call({}), TypeError);
  assertThrows(() => Object.getOwnPropertyDescriptor(URL.prototype, 'search').set.call({}, 'x'), TypeError);
  const desc = Object.getOwnPropertyDescriptor(globalThis, 'URL');
  assertEquals(desc.enumerable, false);
  assertEquals(desc.writable, true);
  assertEquals(desc.configurable, true);
}

export function relativeResolution() {
  // RFC 3986 section 5.4 examples, as the URL Standard resolves them.
  const base = 'http://a/b/c/d;p?q';
  const cases = {
    'g:h': 'g:h', g: 'http://a/b/c/g', './g': 'http://a/b/c/g', 'g/': 'http://a/b/c/g/',
    '/g': 'http://a/g', '//g': 'http://g/', '?y': 'http://a/b/c/d;p?y', 'g?y': 'http://a/b/c/g?y',
    '#s': 'http://a/b/c/d;p?q#s', 'g#s': 'http://a/b/c/g#s', 'g?y#s': 'http://a/b/c/g?y#s',
    ';x': 'http://a/b/c/;x', 'g;x': 'http://a/b/c/g;x', 'g;x?y#s': 'http://a/b/c/g;x?y#s',
    '': 'http://a/b/c/d;p?q', '.': 'http://a/b/c/', './': 'http://a/b/c/', '..': 'http://a/b/',
    '../': 'http://a/b/', '../g': 'http://a/b/g', '../..': 'http://a/', '../../': 'http://a/',
    '../../g': 'http://a/g', '../../../g': 'http://a/g', '../../../../g': 'http://a/g',
    '/./g': 'http://a/g', '/../g': 'http://a/g', 'g.': 'http://a/b/c/g.', '.g': 'http://a/b/c/.g',
    'g..': 'http://a/b/c/g..', '..g': 'http://a/b/c/..g', './../g': 'http://a/b/g',
    './g/.': 'http://a/b/c/g/', 'g/./h': 'http://a/b/c/g/h', 'g/../h': 'http://a/b/c/h',
    'g;x=1/./y': 'http://a/b/c/g;x=1/y', 'g;x=1/../y': 'http://a/b/c/y', 'g?y/./x': 'http://a/b/c/g?y/./x',
    'g?y/../x': 'http://a/b/c/g?y/../x', 'g#s/./x': 'http://a/b/c/g#s/./x',
    'g#s/../x': 'http://a/b/c/g#s/../x', 'http:g': 'http://a/b/c/g', 'https:g': 'https://g/',
    '\\\\g\\h': 'http://g/h', '%2e%2E/g': 'http://a/b/g', '.%2e/%2E/g': 'http://a/b/g',
  };
  for (const [input, expected] of Object.entries(cases)) {
    assertEquals(new URL(input, base).href, expected, input);
  }
}

export function specialAndNonSpecialSchemes() {
  // Special schemes always have a host and a path starting with "/".
  assertEquals(new URL('http:example.com').href, 'http://example.com/');
  assertEquals(new URL('HTTPS:\\\\EXAMPLE.com\\a\\b').href, 'https://example.com/a/b');
  assertEquals(new URL('ws://x:80/').port, '');
  assertEquals(new URL('wss://x:443/').port, '');
  assertEquals(new URL('ftp://x:21/').port, '');
  assertEquals(new URL('http://x:443/').port, '443');
  assertEquals(new URL('foo://x:80/').port, '80');
  // Non-special schemes keep backslashes, case of the host and opaque paths.
  assertEquals(new URL('foo://EXAMPLE.com/a\\b').href, 'foo://EXAMPLE.com/a\\b');
  assertThrows(() => new URL('foo://EXAMPLE.com\\a'), TypeError);
  assertEquals(new URL('foo:bar baz').pathname, 'bar baz');
  assertEquals(new URL('foo:/a/../b').pathname, '/b');
  assertEquals(new URL('foo://').host, '');
  assertEquals(new URL('foo:').href, 'foo:');
  assertEquals(new URL('foo:?q').search, '?q');
  // Opaque-path URLs only resolve fragments.
  assertEquals(new URL('#x', 'mailto:a@b').href, 'mailto:a@b#x');
  assertThrows(() => new URL('x', 'mailto:a@b'), TypeError);
  // The "/." marker keeps a path starting with "//" from reading as a host.
  const url = new URL('web+demo:/.//not-a-host/');
  assertEquals(url.href, 'web+demo:/.//not-a-host/');
  assertEquals(url.pathname, '//not-a-host/');
  url.pathname = '/p';
  assertEquals(url.href, 'web+demo:/p');
  url.pathname = '//q';
  assertEquals(url.href, 'web+demo:/.//q');
}

export function origins() {
  assertEquals(new URL('https://user:pw@EXAMPLE.com:8443/x').origin, 'https://example.com:8443');
  assertEquals(new URL('http://example.com:80').origin, 'http://example.com');
  assertEquals(new URL('ws://[::1]:81').origin, 'ws://[::1]:81');
  assertEquals(new URL('ftp://x/').origin, 'ftp://x');
  assertEquals(new URL('file:///etc').origin, 'null');
  assertEquals(new URL('data:,x').origin, 'null');
  assertEquals(new URL('foo://host/').origin, 'null');
  assertEquals(new URL('blob:https://a.example:443/uuid').origin, 'https://a.example');
  assertEquals(new URL('blob:http://a.example/uuid').origin, 'http://a.example');
  assertEquals(new URL('blob:ftp://a.example/uuid').origin, 'null');
  assertEquals(new URL('blob:d3958f5c-0777-0845-9dcf-2cb28783acaf').origin, 'null');
}

export function ipv4Hosts() {
  const cases = {
    'http://192.168.0.1/': '192.168.0.1',
    'http://0xC0.0250.0.1/': '192.168.0.1',
    'http://3232235521/': '192.168.0.1',
    'http://0xc0a80001/': '192.168.0.1',
    'http://192.11010049/': '192.168.0.1',
    'http://127.1/': '127.0.0.1',
    'http://127.0.1/': '127.0.0.1',
    'http://0x7f.1/': '127.0.0.1',
    'http://0/': '0.0.0.0',
    'http://0x/': '0.0.0.0',
    'http://1.2.3.4./': '1.2.3.4',
    'http://4294967295/': '255.255.255.255',
    'http://00000000000000000001/': '0.0.0.1',
    'http://%30%78%63%30%2e%30%32%35%30.01/': '192.168.0.1',
    'http://\uFF10\uFF38\uFF43\uFF10\uFF0E\uFF10\uFF12\uFF15\uFF10\uFF0E\uFF10\uFF11/': '192.168.0.1',
  };
  for (const [input, host] of Object.entries(cases)) assertEquals(new URL(input).hostname, host, input);
  for (const bad of ['http://4294967296/', 'http://256.0.0.1/', 'http://1.2.3.4.5/', 'http://1.2.3.08/',
    'http://0x100.2.3.4/', 'http://foo.09/', 'http://foo.1.2.3.4/', 'http://1.2.3.256/',
    'http://0xffffffff1/', 'http://foo.0x4/', 'http://1..2.3/']) {
    assertThrows(() => new URL(bad), TypeError, undefined);
  }
  // Not ending in a number: a domain, not an address.
  assertEquals(new URL('http://1.2.3.4.foo/').hostname, '1.2.3.4.foo');
  assertEquals(new URL('http://0x.foo/').hostname, '0x.foo');
  assertEquals(new URL('http://1.2.3.09a/').hostname, '1.2.3.09a');
  // Non-special hosts are opaque: no IPv4 parsing.
  assertEquals(new URL('foo://0x7f.1/').hostname, '0x7f.1');
}

export function ipv6Hosts() {
  const cases = {
    'http://[::]/': '[::]',
    'http://[::1]/': '[::1]',
    'http://[0:0:0:0:0:0:0:1]/': '[::1]',
    'http://[1:0::]/': '[1::]',
    'http://[1:0:0:2:0:0:0:3]/': '[1:0:0:2::3]',
    'http://[1:0:0:2:0:0:3:0]/': '[1::2:0:0:3:0]',
    'http://[0:1:0:1:0:1:0:1]/': '[0:1:0:1:0:1:0:1]',
    'http://[ABCD:EF01:2345:6789:abcd:ef01:2345:6789]/': '[abcd:ef01:2345:6789:abcd:ef01:2345:6789]',
    'http://[::ffff:192.168.0.1]/': '[::ffff:c0a8:1]',
    'http://[::127.0.0.1]/': '[::7f00:1]',
    'http://[2001:db8::0:1]/': '[2001:db8::1]',
    'http://[2001:0db8:0000:0000:0001:0000:0000:0001]/': '[2001:db8::1:0:0:1]',
    'foo://[1:2::3]:80/': '[1:2::3]',
  };
  for (const [input, host] of Object.entries(cases)) assertEquals(new URL(input).hostname, host, input);
  assertEquals(new URL('http://[::1]:8080/').host, '[::1]:8080');
  for (const bad of ['http://[1:2:3:4:5:6:7:8:9]/', 'http://[1:2:3:4:5:6:7]/', 'http://[:1]/', 'http://[1:]/',
    'http://[1::2::3]/', 'http://[::1.2.3.]/', 'http://[::1.2.3.256]/', 'http://[::1.2.3.04]/',
    'http://[::12345]/', 'http://[g::]/', 'http://[::%31]/', 'http://[::1]x/', 'http://[]/',
    'foo://[::1/', 'http://[1:2:3:4:5:6:1.2.3.4:5]/']) {
    assertThrows(() => new URL(bad), TypeError);
  }
}

export function internationalizedDomainNames() {
  const cases = {
    'http://bücher.example/': 'xn--bcher-kva.example',
    'http://BÜCHER.example/': 'xn--bcher-kva.example',
    'http://münchen.de/': 'xn--mnchen-3ya.de',
    'http://💩.la/': 'xn--ls8h.la',
    'http://日本語.jp/': 'xn--wgv71a119e.jp',
    'http://пример.испытание/': 'xn--e1afmkfd.xn--80akhbyknj4f',
    'https://faß.ExAmPlE/': 'xn--fa-hia.example',
    'http://ς.com/': 'xn--3xa.com',
    'http://你好你好/': 'xn--6qqa088eba',
    'http://www.foo\u3002bar.com/': 'www.foo.bar.com',
    'http://\uFF27\uFF4F.com/': 'go.com',
    'http://GOO\u200B\u2060\uFEFFgoo.com/': 'googoo.com',
    'http://%C3%BC.example/': 'xn--tda.example',
    'http://xn--bcher-kva.example/': 'xn--bcher-kva.example',
    'http://XN--BCHER-KVA.example/': 'xn--bcher-kva.example',
    'http://Example.COM/': 'example.com',
  };
  for (const [input, host] of Object.entries(cases)) assertEquals(new URL(input).hostname, host, input);
  for (const bad of ['http://\u00AD/', 'http://%C2%AD/', 'http://xn--/', 'http://xn--a/',
    'http://xn--ls8h-/', 'http://\uFDD0zyx.com/', 'http://%ef%b7%90zyx.com/', 'http://\uFFFD/',
    'http://%80/', 'http://\u0301a.com/', 'http://GOO \u3000goo.com/', 'http://a\uFF05b/',
    'http://\uFF05\uFF14\uFF11.com/', 'http://exa%mple/', 'http://a%2Fb/', 'http://a<b/', 'http://a^b/',
    'http://a|b/', 'http://a%00b/', 'http://a\u007Fb/']) {
    assertThrows(() => new URL(bad), TypeError);
  }
  // Opaque hosts of non-special URLs are percent-encoded, not punycoded.
  assertEquals(new URL('foo://ñ.test/').host, '%C3%B1.test');
  assertEquals(new URL('foo://%41/').host, '%41');
  assertThrows(() => new URL('foo://a b/'), TypeError);
  assertThrows(() => new URL('foo://a<b/'), TypeError);
  assertEquals(new URL('foo://a%b/').host, 'a%b');
}

export function percentEncodingPerComponent() {
  const url = new URL('http://us er:pa ss@h/a b"<>`{}^|#x y"<>`');
  assertEquals(url.username, 'us%20er');
  assertEquals(url.password, 'pa%20ss');
  // "^" is in the path percent-encode set (a recent change to the standard).
  assertEquals(url.pathname, '/a%20b%22%3C%3E%60%7B%7D%5E|');
  assertEquals(url.hash, '#x%20y%22%3C%3E%60');
  assertEquals(new URL("http://h/?a b\"#<>'`{}").search, '?a%20b%22');
  assertEquals(new URL("http://h/?\"<>'`{}^|").search, "?%22%3C%3E%27`{}^|");
  assertEquals(new URL("foo://h/?\"<>'").search, "?%22%3C%3E'");
  assertEquals(new URL('http://h/é?é#é').href, 'http://h/%C3%A9?%C3%A9#%C3%A9');
  assertEquals(new URL('http://h/\u{1F4A9}').pathname, '/%F0%9F%92%A9');
  // Existing escapes are left alone, even malformed ones.
  assertEquals(new URL('http://h/%zz%2f%41?%zz#%zz').href, 'http://h/%zz%2f%41?%zz#%zz');
  assertEquals(new URL('http://u:p@h/').password, 'p');
  assertEquals(new URL('http://a@b@c/').username, 'a%40b');
  assertEquals(new URL('http://a:b:c@h/').password, 'b%3Ac');
  assertEquals(new URL('foo:\u0001\u00e9 x').pathname, '%01%C3%A9 x');
  // Tabs and newlines vanish anywhere; other C0 controls and spaces are
  // trimmed at both ends only.
  assertEquals(new URL('\u0000 h\tt\ntp://ex\rample.com/p\ta\nth \u001F').href, 'http://example.com/path');
}

export function opaquePathTrailingSpaces() {
  // A space just before "?" or "#" in an opaque path is encoded, so
  // removing the query or fragment can never leave a trailing space
  // (URL Standard 2025; older engines keep the space).
  const url = new URL('data:space  ?query#frag');
  assertEquals(url.pathname, 'space %20');
  url.search = '';
  assertEquals(url.href, 'data:space %20#frag');
  url.hash = '';
  assertEquals(url.href, 'data:space %20');
  assertEquals(new URL('data:a b').pathname, 'a b');
  assertEquals(new URL('data:a   ').pathname, 'a');
}

export function fileUrls() {
  const cases = [
    ['file:///C:/a/b', undefined, 'file:///C:/a/b'],
    ['file:///C|/a/b', undefined, 'file:///C:/a/b'],
    ['file://C:/a/b', undefined, 'file:///C:/a/b'],
    ['file:C:\\a\\b', undefined, 'file:///C:/a/b'],
    ['file:///C:/../..', undefined, 'file:///C:/'],
    ['..', 'file:///C:/', 'file:///C:/'],
    ['/', 'file:///C:/a/b', 'file:///C:/'],
    ['//d:', 'file:///C:/a/b', 'file:///d:'],
    ['file://localhost/etc', undefined, 'file:///etc'],
    ['file://LOCALHOST/etc', undefined, 'file:///etc'],
    ['file://host/share', undefined, 'file://host/share'],
    ['file://HOST/share', undefined, 'file://host/share'],
    ['file:', 'file:///test?test#test', 'file:///test?test'],
    ['file:?x', 'file:///test?test#test', 'file:///test?x'],
    ['test', 'file:///tmp/mock/path', 'file:///tmp/mock/test'],
    ['C|/foo/bar', 'file:///tmp/mock/path', 'file:///C:/foo/bar'],
    ['\\\\server\\file', 'file:///tmp/mock/path', 'file://server/file'],
    ['/c:/foo/bar', 'file://host/path', 'file://host/c:/foo/bar'],
    ['file:/example.com/', undefined, 'file:///example.com/'],
    ['file://1.2.3.4/C:/', undefined, 'file://1.2.3.4/C:/'],
    ['file://[1::8]/C:/', undefined, 'file://[1::8]/C:/'],
    ['file:///./Y:', undefined, 'file:///Y:'],
    ['file:///localhost//cat', undefined, 'file:///localhost//cat'],
    ['file:.//p', undefined, 'file:////p'],
  ];
  for (const [input, base, expected] of cases) {
    assertEquals((base === undefined ? new URL(input) : new URL(input, base)).href, expected, input);
  }
  const url = new URL('file:///tmp/x');
  assertEquals(url.host, '');
  url.username = 'u';
  url.password = 'p';
  url.port = '81';
  assertEquals(url.href, 'file:///tmp/x', 'file URLs cannot have credentials or a port');
  url.host = 'example.com:80';
  assertEquals(url.href, 'file:///tmp/x', 'file hosts have no port part');
  url.host = 'example.com';
  assertEquals(url.href, 'file://example.com/tmp/x');
  url.hostname = 'localhost';
  assertEquals(url.href, 'file:///tmp/x');
}

export function pathNormalization() {
  const cases = {
    'http://h/a/./b': '/a/b',
    'http://h/a/../b': '/b',
    'http://h/a/%2e/b': '/a/b',
    'http://h/a/%2E%2e/b': '/b',
    'http://h/a/.%2e/b': '/b',
    'http://h/a/%2e./b': '/b',
    'http://h/../../..': '/',
    'http://h/a/..': '/',
    'http://h/a/b/..': '/a/',
    'http://h/a/.': '/a/',
    'http://h/a/..b/.b./...': '/a/..b/.b./...',
    'http://h/a/%2e%2': '/a/%2e%2',
    'http://h//a//../b': '//a/b',
    'http://h\\a\\..\\b': '/b',
    'foo://h/a/../b': '/b',
    'foo://h/a\\..\\b': '/a\\..\\b',
    'foo:/a/./b/../c': '/a/c',
  };
  for (const [input, path] of Object.entries(cases)) assertEquals(new URL(input).pathname, path, input);
}

export function protocolSetter() {
  const url = new URL('http://example.com:443/');
  url.protocol = 'https';
  assertEquals(url.href, 'https://example.com/', 'the default port is dropped');
  url.protocol = 'foo';
  assertEquals(url.protocol, 'https:', 'special to non-special is refused');
  url.protocol = 'WSS:ignored';
  assertEquals(url.href, 'wss://example.com/');
  url.protocol = '1ws';
  assertEquals(url.protocol, 'wss:');
  const other = new URL('foo://h/');
  other.protocol = 'http';
  assertEquals(other.protocol, 'foo:', 'non-special to special is refused');
  other.protocol = 'bar+baz.q-1';
  assertEquals(other.href, 'bar+baz.q-1://h/');
  const creds = new URL('http://u@h/');
  creds.protocol = 'file';
  assertEquals(creds.protocol, 'http:', 'credentials keep a URL from becoming file:');
  const file = new URL('file:///x');
  file.protocol = 'http';
  assertEquals(file.protocol, 'file:', 'a file URL with an empty host stays file:');
}

export function hostAndHostnameSetters() {
  const url = new URL('http://example.net/path');
  url.host = 'example.com:8080';
  assertEquals(url.href, 'http://example.com:8080/path');
  url.host = 'other.com';
  assertEquals(url.href, 'http://other.com:8080/path', 'a host without port keeps the port');
  url.host = 'example.com:65536';
  assertEquals(url.href, 'http://example.com:8080/path', 'overflowing port fails after the host is set');
  url.host = '';
  assertEquals(url.host, 'example.com:8080', 'special URLs need a host');
  url.host = 'a b';
  assertEquals(url.hostname, 'example.com');
  url.host = 'x/y?z#w';
  assertEquals(url.href, 'http://x:8080/path');
  url.hostname = 'example.org:99';
  assertEquals(url.href, 'http://x:8080/path', 'a ":" invalidates a hostname');
  url.hostname = '[::1]';
  assertEquals(url.href, 'http://[::1]:8080/path');
  url.hostname = 'EXAMPLE.org';
  assertEquals(url.host, 'example.org:8080');
  const opaque = new URL('mailto:x@y');
  opaque.host = 'h';
  opaque.hostname = 'h';
  assertEquals(opaque.href, 'mailto:x@y', 'opaque paths have no host to set');
  const nonSpecial = new URL('foo://h/p');
  nonSpecial.host = '';
  assertEquals(nonSpecial.href, 'foo:///p');
  const withPort = new URL('foo://h:1/p');
  withPort.hostname = '';
  assertEquals(withPort.href, 'foo://h:1/p', 'an empty host cannot carry a port');
}

export function portSetter() {
  const url = new URL('https://h/');
  url.port = '8443';
  assertEquals(url.port, '8443');
  url.port = '443';
  assertEquals(url.port, '', 'default port');
  url.port = '12abc';
  assertEquals(url.port, '12', 'trailing junk is ignored');
  url.port = 'abc';
  assertEquals(url.port, '12', 'no leading digit: unchanged');
  url.port = '65536';
  assertEquals(url.port, '12', 'out of range: unchanged');
  url.port = 0;
  assertEquals(url.port, '0');
  url.port = '';
  assertEquals(url.port, '');
  assertEquals(url.href, 'https://h/');
}

export function credentialSetters() {
  const url = new URL('http://h/');
  url.username = 'us er@x';
  url.password = 'p:w/é';
  assertEquals(url.href, 'http://us%20er%40x:p%3Aw%2F%C3%A9@h/');
  url.username = '';
  assertEquals(url.href, 'http://:p%3Aw%2F%C3%A9@h/');
  url.password = '';
  assertEquals(url.href, 'http://h/');
  const hostless = new URL('foo:/path');
  hostless.username = 'u';
  assertEquals(hostless.href, 'foo:/path');
  const emptyHost = new URL('foo:///path');
  emptyHost.password = 'p';
  assertEquals(emptyHost.href, 'foo:///path');
}

export function pathnameSearchHashSetters() {
  const url = new URL('http://h/a?b#c');
  url.pathname = 'x y/../z?#';
  assertEquals(url.pathname, '/z%3F%23');
  url.pathname = '';
  assertEquals(url.pathname, '/');
  url.search = 'q=1 2';
  assertEquals(url.search, '?q=1%202');
  url.search = '??x';
  assertEquals(url.search, '??x');
  url.search = '?';
  assertEquals(url.href, 'http://h/?#c');
  assertEquals(url.search, '');
  url.search = '';
  assertEquals(url.href, 'http://h/#c');
  url.hash = '##x y';
  assertEquals(url.hash, '##x%20y');
  url.hash = '#';
  assertEquals(url.href, 'http://h/#');
  assertEquals(url.hash, '');
  url.hash = '';
  assertEquals(url.href, 'http://h/');
  const opaque = new URL('data:text/plain,x');
  opaque.pathname = '/other';
  assertEquals(opaque.pathname, 'text/plain,x', 'opaque paths cannot be replaced');
  opaque.hash = 'f';
  opaque.search = 's';
  assertEquals(opaque.href, 'data:text/plain,x?s#f');
}

export function hrefSetter() {
  const url = new URL('http://a/?x=1');
  const params = url.searchParams;
  url.href = 'https://b/c?y=2&z';
  assertEquals(url.host, 'b');
  assertEquals(params.get('y'), '2');
  assertEquals(params.get('x'), null);
  assertEquals(params, url.searchParams);
  assertThrows(() => { url.href = 'not a url'; }, TypeError);
  assertEquals(url.href, 'https://b/c?y=2&z', 'a failed href set changes nothing');
  url.href = 'foo:bar';
  assertEquals(params.size, 0);
}

// ---------------------------------------------------------------------------
// URLSearchParams

export function searchParamsConstructors() {
  assertEquals(new URLSearchParams().toString(), '');
  assertEquals(new URLSearchParams(undefined).toString(), '');
  assertEquals(new URLSearchParams('').toString(), '');
  assertEquals(new URLSearchParams('?a=1&b=2').toString(), 'a=1&b=2');
  assertEquals(new URLSearchParams('??a=1').get('?a'), '1');
  assertEquals(new URLSearchParams('a=1&&b=&=c&d').toString(), 'a=1&b=&=c&d=');
  // Non-objects convert to strings, per the Web IDL union.
  assertEquals(new URLSearchParams(null).toString(), 'null=');
  assertEquals(new URLSearchParams(12).toString(), '12=');
  assertDeepEquals([...new URLSearchParams([['a', 'b'], ['a', 1], new Set(['c', 'd'])])],
    [['a', 'b'], ['a', '1'], ['c', 'd']]);
  assertEquals(new URLSearchParams({ a: '1', 'b c': 'x&y', n: 2 }).toString(), 'a=1&b+c=x%26y&n=2');
  const copy = new URLSearchParams(new URLSearchParams('x=1&x=2'));
  assertEquals(copy.toString(), 'x=1&x=2');
  const record = {};
  Object.defineProperty(record, 'hidden', { value: 'no', enumerable: false });
  record.shown = 'yes';
  assertEquals(new URLSearchParams(record).toString(), 'shown=yes');
  // Keys that become equal after USVString conversion collapse into one.
  assertDeepEquals([...new URLSearchParams({ '\uD835x': '1', '\uFFFDx': '2' })], [['\uFFFDx', '2']]);
  assertThrows(() => new URLSearchParams([['a']]), TypeError);
  assertThrows(() => new URLSearchParams([['a', 'b', 'c']]), TypeError);
  assertThrows(() => new URLSearchParams(['ab']), TypeError);
  assertThrows(() => new URLSearchParams([1]), TypeError);
  assertThrows(() => new URLSearchParams({ [Symbol.iterator]: 5 }), TypeError);
  assertThrows(() => new URLSearchParams({ [Symbol('k')]: 'v' }), TypeError);
  assertThrows(() => new URLSearchParams(Symbol('s')), TypeError);
  assertThrows(() => URLSearchParams(), TypeError);
  assertEquals(URLSearchParams.length, 0);
}

export function formUrlencodedParsing() {
  const params = new URLSearchParams('a=b+c%20d&e%3D=f%26&%zz=%F0%9F%92%A9&%C3%28=%80&x=1=2&+=+');
  assertDeepEquals([...params], [['a', 'b c d'], ['e=', 'f&'], ['%zz', '\u{1F4A9}'],
    ['\uFFFD(', '\uFFFD'], ['x', '1=2'], [' ', ' ']]);
  // Each maximal invalid UTF-8 subpart becomes one U+FFFD.
  assertEquals(new URLSearchParams('k=%F0%9F%92').get('k'), '\uFFFD');
  assertEquals(new URLSearchParams('k=%ED%A0%80').get('k'), '\uFFFD\uFFFD\uFFFD');
  assertEquals(new URLSearchParams('k=%E2%82%AC%E2').get('k'), '\u20AC\uFFFD');
  assertEquals(new URLSearchParams('k=%EF%BB%BFx').get('k'), '\uFEFFx', 'no BOM stripping');
  assertEquals(new URLSearchParams('k=%2').get('k'), '%2');
  assertEquals(new URLSearchParams('k=é').get('k'), 'é');
}

export function formUrlencodedSerializing() {
  const params = new URLSearchParams();
  params.append('é', 'ü ~*-._!\'()');
  params.append('\0\n', '\u{1F4A9}+&=%');
  params.append('lone', '\uD800');
  assertEquals(params.toString(),
    '%C3%A9=%C3%BC+%7E*-._%21%27%28%29&%00%0A=%F0%9F%92%A9%2B%26%3D%25&lone=%EF%BF%BD');
  const round = new URLSearchParams(params.toString());
  assertDeepEquals([...round], [['é', 'ü ~*-._!\'()'], ['\0\n', '\u{1F4A9}+&=%'], ['lone', '\uFFFD']]);
}

export function searchParamsMethods() {
  const params = new URLSearchParams('a=1&b=2&a=3&c=&a=1');
  assertEquals(params.size, 5);
  assertEquals(params.get('a'), '1');
  assertEquals(params.get('c'), '');
  assertEquals(params.get('zz'), null);
  assertDeepEquals(params.getAll('a'), ['1', '3', '1']);
  assertDeepEquals(params.getAll('zz'), []);
  assertEquals(params.has('a'), true);
  assertEquals(params.has('a', '3'), true);
  assertEquals(params.has('a', '2'), false);
  assertEquals(params.has('a', undefined), true, 'undefined value means "any value"');
  assertEquals(params.has('zz'), false);
  params.delete('a', '1');
  assertEquals(params.toString(), 'b=2&a=3&c=');
  params.append('a', '4');
  params.set('a', 'x');
  assertEquals(params.toString(), 'b=2&a=x&c=', 'set replaces the first and drops the rest');
  params.set('d', 'new');
  assertEquals(params.toString(), 'b=2&a=x&c=&d=new');
  params.delete('b');
  assertEquals(params.toString(), 'a=x&c=&d=new');
  params.delete('a', undefined);
  assertEquals(params.toString(), 'c=&d=new');
  params.append('n', null);
  params.append(1, { toString: () => 'obj' });
  assertEquals(params.toString(), 'c=&d=new&n=null&1=obj');
  assertEquals(params.size, 4);
  assertThrows(() => params.append('x'), TypeError);
  assertThrows(() => params.set('x'), TypeError);
  assertThrows(() => params.get(), TypeError);
  assertThrows(() => params.getAll(), TypeError);
  assertThrows(() => params.has(), TypeError);
  assertThrows(() => params.delete(), TypeError);
  assertThrows(() => URLSearchParams.prototype.get.call({}, 'a'), TypeError);
  assertThrows(() => Object.getOwnPropertyDescriptor(URLSearchParams.prototype, 'size').get.call({}), TypeError);
  assertEquals(URLSearchParams.prototype.append.length, 2);
  assertEquals(URLSearchParams.prototype.delete.length, 1);
  assertEquals(URLSearchParams.prototype.has.length, 1);
  assertEquals(URLSearchParams.prototype.set.length, 2);
}

export function searchParamsSortIsStableByCodeUnits() {
  const params = new URLSearchParams('z=1&a=2&z=0&b=3&a=1&\u{1F600}=x&\uFFFD=y&A=c');
  params.sort();
  assertEquals(params.toString(), 'A=c&a=2&a=1&b=3&z=1&z=0&%F0%9F%98%80=x&%EF%BF%BD=y');
}

export function searchParamsIteration() {
  const params = new URLSearchParams('a=1&b=2');
  assertEquals(URLSearchParams.prototype[Symbol.iterator], URLSearchParams.prototype.entries);
  assertDeepEquals([...params], [['a', '1'], ['b', '2']]);
  assertDeepEquals([...params.keys()], ['a', 'b']);
  assertDeepEquals([...params.values()], ['1', '2']);
  assertDeepEquals([...params.entries()], [['a', '1'], ['b', '2']]);
  // Iterators are live: they see pairs appended after their creation.
  const keys = params.keys();
  assertDeepEquals(keys.next(), { value: 'a', done: false });
  params.append('c', '3');
  assertDeepEquals([...keys], ['b', 'c']);
  assertDeepEquals(keys.next(), { done: true });
  const iterator = params.entries();
  const proto = Object.getPrototypeOf(iterator);
  assertEquals(Object.prototype.toString.call(iterator), '[object URLSearchParams Iterator]');
  assertEquals(Object.getPrototypeOf(proto), Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
  assertEquals(iterator[Symbol.iterator](), iterator);
  assertThrows(() => proto.next.call({}), TypeError);
  assertThrows(() => URLSearchParams.prototype.keys.call({}), TypeError);
  assertThrows(() => URLSearchParams.prototype.forEach.call({}, () => {}), TypeError);
  assertEquals(Object.prototype.toString.call(params), '[object URLSearchParams]');
}

export function searchParamsForEach() {
  const params = new URLSearchParams('a=1&b=2&c=3');
  const seen = [];
  const self = {};
  params.forEach(function (value, key, object) {
    seen.push(key + value);
    assertEquals(object, params);
    assertEquals(this, self);
    if (key === 'a') object.delete('b');
    if (key === 'c') object.append('d', '4');
  }, self);
  assertDeepEquals(seen, ['a1', 'c3', 'd4']);
  assertThrows(() => params.forEach(), TypeError);
  assertThrows(() => params.forEach('nope'), TypeError);
  assertEquals(URLSearchParams.prototype.forEach.length, 1);
}

export function searchParamsAreLinkedToTheUrl() {
  const url = new URL('https://example.com/p?a=1&b=%20x+y#frag');
  const params = url.searchParams;
  assertEquals(url.searchParams, params, 'same object every time');
  assertThrows(() => { url.searchParams = new URLSearchParams(); }, TypeError);
  assertThrows(() => { url.origin = 'http://x'; }, TypeError);
  assertEquals(params.get('b'), ' x y');
  params.append('c', 'd e');
  assertEquals(url.href, 'https://example.com/p?a=1&b=+x+y&c=d+e#frag');
  params.delete('a');
  params.delete('b');
  params.delete('c');
  assertEquals(url.href, 'https://example.com/p#frag', 'an empty list removes the query');
  assertEquals(url.search, '');
  url.search = '?x=1&x=2';
  assertDeepEquals(params.getAll('x'), ['1', '2']);
  url.search = '';
  assertEquals(params.size, 0);
  url.href = 'https://example.com/?q=%F0%9F%92%A9';
  assertEquals(params.get('q'), '\u{1F4A9}');
  params.sort();
  assertEquals(url.search, '?q=%F0%9F%92%A9');
  // Serialization normalizes the query through the form encoder.
  const other = new URL('http://h/?a=b c~');
  assertEquals(other.search, '?a=b%20c~');
  other.searchParams.set('a', 'b c~');
  assertEquals(other.search, '?a=b+c%7E');
  // An empty query "?" with no pairs is left as is until a mutation.
  const empty = new URL('http://h/?');
  assertEquals(empty.searchParams.size, 0);
  assertEquals(empty.href, 'http://h/?');
  empty.searchParams.sort();
  assertEquals(empty.href, 'http://h/');
  // A detached URLSearchParams does not affect any URL.
  const standalone = new URLSearchParams(url.search);
  standalone.append('z', '1');
  assertEquals(url.search, '?q=%F0%9F%92%A9');
}

export function realWorldUsage() {
  const api = new URL('/v1/items?limit=10', 'https://api.example.com/base/');
  api.searchParams.set('cursor', 'abc/def==');
  api.searchParams.append('tag', 'a&b');
  assertEquals(api.href, 'https://api.example.com/v1/items?limit=10&cursor=abc%2Fdef%3D%3D&tag=a%26b');
  const request = new URL('https://worker.example.dev/path/to%20file.txt?download=1#top');
  assertEquals(decodeURIComponent(request.pathname), '/path/to file.txt');
  assertEquals(request.searchParams.has('download'), true);
  const redirect = new URL(request);
  redirect.hostname = 'cdn.example.dev';
  redirect.hash = '';
  assertEquals(redirect.href, 'https://cdn.example.dev/path/to%20file.txt?download=1');
  assertEquals(request.hostname, 'worker.example.dev', 'copies are independent');
  const form = new URLSearchParams({ user: 'ann@example.com', msg: 'hi there!' });
  assertEquals(String(form), 'user=ann%40example.com&msg=hi+there%21');
}

// ---------------------------------------------------------------------------
// Data

const PARSE_CASES = [
  ["http://example\t.\norg", "http://example.org/foo/bar", "http://example.org/"],
  ["http://user:pass@foo:21/bar;par?b#c", "http://example.org/foo/bar", "http://user:pass@foo:21/bar;par?b#c"],
  ["https://test:@test", undefined, "https://test@test/"],
  ["https://:@test", undefined, "https://test/"],
  ["non-special://test:@test/x", undefined, "non-special://test@test/x"],
  ["non-special://:@test/x", undefined, "non-special://test/x"],
  ["http:foo.com", "http://example.org/foo/bar", "http://example.org/foo/foo.com"],
  ["\t   :foo.com   \n", "http://example.org/foo/bar", "http://example.org/foo/:foo.com"],
  [" foo.com  ", "http://example.org/foo/bar", "http://example.org/foo/foo.com"],
  ["a:\t foo.com", "http://example.org/foo/bar", "a: foo.com"],
  ["http://f:21/ b ? d # e ", "http://example.org/foo/bar", "http://f:21/%20b%20?%20d%20#%20e"],
  ["lolscheme:x x#x x", undefined, "lolscheme:x x#x%20x"],
  ["http://f:/c", "http://example.org/foo/bar", "http://f/c"],
  ["http://f:0/c", "http://example.org/foo/bar", "http://f:0/c"],
  ["http://f:00000000000000/c", "http://example.org/foo/bar", "http://f:0/c"],
  ["http://f:00000000000000000000080/c", "http://example.org/foo/bar", "http://f/c"],
  ["http://f:b/c", "http://example.org/foo/bar", null],
  ["http://f: /c", "http://example.org/foo/bar", null],
  ["http://f:\n/c", "http://example.org/foo/bar", "http://f/c"],
  ["http://f:fifty-two/c", "http://example.org/foo/bar", null],
  ["http://f:999999/c", "http://example.org/foo/bar", null],
  ["non-special://f:999999/c", "http://example.org/foo/bar", null],
  ["http://f: 21 / b ? d # e ", "http://example.org/foo/bar", null],
  ["", "http://example.org/foo/bar", "http://example.org/foo/bar"],
  ["  \t", "http://example.org/foo/bar", "http://example.org/foo/bar"],
  [":foo.com/", "http://example.org/foo/bar", "http://example.org/foo/:foo.com/"],
  [":foo.com\\", "http://example.org/foo/bar", "http://example.org/foo/:foo.com/"],
  [":", "http://example.org/foo/bar", "http://example.org/foo/:"],
  [":a", "http://example.org/foo/bar", "http://example.org/foo/:a"],
  [":/", "http://example.org/foo/bar", "http://example.org/foo/:/"],
  [":\\", "http://example.org/foo/bar", "http://example.org/foo/:/"],
  [":#", "http://example.org/foo/bar", "http://example.org/foo/:#"],
  ["#", "http://example.org/foo/bar", "http://example.org/foo/bar#"],
  ["#/", "http://example.org/foo/bar", "http://example.org/foo/bar#/"],
  ["#\\", "http://example.org/foo/bar", "http://example.org/foo/bar#\\"],
  ["#;?", "http://example.org/foo/bar", "http://example.org/foo/bar#;?"],
  ["?", "http://example.org/foo/bar", "http://example.org/foo/bar?"],
  ["/", "http://example.org/foo/bar", "http://example.org/"],
  [":23", "http://example.org/foo/bar", "http://example.org/foo/:23"],
  ["/:23", "http://example.org/foo/bar", "http://example.org/:23"],
  ["\\x", "http://example.org/foo/bar", "http://example.org/x"],
  ["\\\\x\\hello", "http://example.org/foo/bar", "http://x/hello"],
  ["::", "http://example.org/foo/bar", "http://example.org/foo/::"],
  ["::23", "http://example.org/foo/bar", "http://example.org/foo/::23"],
  ["foo://", "http://example.org/foo/bar", "foo://"],
  ["http://a:b@c:29/d", "http://example.org/foo/bar", "http://a:b@c:29/d"],
  ["http::@c:29", "http://example.org/foo/bar", "http://example.org/foo/:@c:29"],
  ["http://&a:foo(b]c@d:2/", "http://example.org/foo/bar", "http://&a:foo(b%5Dc@d:2/"],
  ["http://::@c@d:2", "http://example.org/foo/bar", "http://:%3A%40c@d:2/"],
  ["http://foo.com:b@d/", "http://example.org/foo/bar", "http://foo.com:b@d/"],
  ["http://foo.com/\\@", "http://example.org/foo/bar", "http://foo.com//@"],
  ["http:\\\\foo.com\\", "http://example.org/foo/bar", "http://foo.com/"],
  ["http:\\\\a\\b:c\\d@foo.com\\", "http://example.org/foo/bar", "http://a/b:c/d@foo.com/"],
  ["foo:/", "http://example.org/foo/bar", "foo:/"],
  ["foo:/bar.com/", "http://example.org/foo/bar", "foo:/bar.com/"],
  ["foo://///////", "http://example.org/foo/bar", "foo://///////"],
  ["foo://///////bar.com/", "http://example.org/foo/bar", "foo://///////bar.com/"],
  ["foo:////://///", "http://example.org/foo/bar", "foo:////://///"],
  ["c:/foo", "http://example.org/foo/bar", "c:/foo"],
  ["//foo/bar", "http://example.org/foo/bar", "http://foo/bar"],
  ["http://foo/path;a??e#f#g", "http://example.org/foo/bar", "http://foo/path;a??e#f#g"],
  ["http://foo/abcd?efgh?ijkl", "http://example.org/foo/bar", "http://foo/abcd?efgh?ijkl"],
  ["http://foo/abcd#foo?bar", "http://example.org/foo/bar", "http://foo/abcd#foo?bar"],
  ["[61:24:74]:98", "http://example.org/foo/bar", "http://example.org/foo/[61:24:74]:98"],
  ["http:[61:27]/:foo", "http://example.org/foo/bar", "http://example.org/foo/[61:27]/:foo"],
  ["http://[1::2]:3:4", "http://example.org/foo/bar", null],
  ["http://2001::1", "http://example.org/foo/bar", null],
  ["http://2001::1]", "http://example.org/foo/bar", null],
  ["http://2001::1]:80", "http://example.org/foo/bar", null],
  ["http://[2001::1]", "http://example.org/foo/bar", "http://[2001::1]/"],
  ["http://[::127.0.0.1]", "http://example.org/foo/bar", "http://[::7f00:1]/"],
  ["http://[0:0:0:0:0:0:13.1.68.3]", "http://example.org/foo/bar", "http://[::d01:4403]/"],
  ["http://[2001::1]:80", "http://example.org/foo/bar", "http://[2001::1]/"],
  ["http:/example.com/", "http://example.org/foo/bar", "http://example.org/example.com/"],
  ["ftp:/example.com/", "http://example.org/foo/bar", "ftp://example.com/"],
  ["https:/example.com/", "http://example.org/foo/bar", "https://example.com/"],
  ["madeupscheme:/example.com/", "http://example.org/foo/bar", "madeupscheme:/example.com/"],
  ["file:/example.com/", "http://example.org/foo/bar", "file:///example.com/"],
  ["ftps:/example.com/", "http://example.org/foo/bar", "ftps:/example.com/"],
  ["gopher:/example.com/", "http://example.org/foo/bar", "gopher:/example.com/"],
  ["ws:/example.com/", "http://example.org/foo/bar", "ws://example.com/"],
  ["wss:/example.com/", "http://example.org/foo/bar", "wss://example.com/"],
  ["data:/example.com/", "http://example.org/foo/bar", "data:/example.com/"],
  ["javascript:/example.com/", "http://example.org/foo/bar", "javascript:/example.com/"],
  ["mailto:/example.com/", "http://example.org/foo/bar", "mailto:/example.com/"],
  ["http:example.com/", "http://example.org/foo/bar", "http://example.org/foo/example.com/"],
  ["ftp:example.com/", "http://example.org/foo/bar", "ftp://example.com/"],
  ["https:example.com/", "http://example.org/foo/bar", "https://example.com/"],
  ["madeupscheme:example.com/", "http://example.org/foo/bar", "madeupscheme:example.com/"],
  ["ftps:example.com/", "http://example.org/foo/bar", "ftps:example.com/"],
  ["ws:example.com/", "http://example.org/foo/bar", "ws://example.com/"],
  ["data:example.com/", "http://example.org/foo/bar", "data:example.com/"],
  ["mailto:example.com/", "http://example.org/foo/bar", "mailto:example.com/"],
  ["/a/b/c", "http://example.org/foo/bar", "http://example.org/a/b/c"],
  ["/a/ /c", "http://example.org/foo/bar", "http://example.org/a/%20/c"],
  ["/a%2fc", "http://example.org/foo/bar", "http://example.org/a%2fc"],
  ["/a/%2f/c", "http://example.org/foo/bar", "http://example.org/a/%2f/c"],
  ["#β", "http://example.org/foo/bar", "http://example.org/foo/bar#%CE%B2"],
  ["data:text/html,test#test", "http://example.org/foo/bar", "data:text/html,test#test"],
  ["tel:1234567890", "http://example.org/foo/bar", "tel:1234567890"],
  ["ssh://example.com/foo/bar.git", "http://example.org/", "ssh://example.com/foo/bar.git"],
  ["file:c:\\foo\\bar.html", "file:///tmp/mock/path", "file:///c:/foo/bar.html"],
  ["  File:c|////foo\\bar.html", "file:///tmp/mock/path", "file:///c:////foo/bar.html"],
  ["C|/foo/bar", "file:///tmp/mock/path", "file:///C:/foo/bar"],
  ["/C|\\foo\\bar", "file:///tmp/mock/path", "file:///C:/foo/bar"],
  ["//C|/foo/bar", "file:///tmp/mock/path", "file:///C:/foo/bar"],
  ["//server/file", "file:///tmp/mock/path", "file://server/file"],
  ["\\\\server\\file", "file:///tmp/mock/path", "file://server/file"],
  ["/\\server/file", "file:///tmp/mock/path", "file://server/file"],
  ["file:///foo/bar.txt", "file:///tmp/mock/path", "file:///foo/bar.txt"],
  ["file:///home/me", "file:///tmp/mock/path", "file:///home/me"],
  ["//", "file:///tmp/mock/path", "file:///"],
  ["///", "file:///tmp/mock/path", "file:///"],
  ["///test", "file:///tmp/mock/path", "file:///test"],
  ["file://test", "file:///tmp/mock/path", "file://test/"],
  ["file://localhost", "file:///tmp/mock/path", "file:///"],
  ["file://localhost/", "file:///tmp/mock/path", "file:///"],
  ["file://localhost/test", "file:///tmp/mock/path", "file:///test"],
  ["test", "file:///tmp/mock/path", "file:///tmp/mock/test"],
  ["file:test", "file:///tmp/mock/path", "file:///tmp/mock/test"],
  ["http://example.com/././foo", undefined, "http://example.com/foo"],
  ["http://example.com/./.foo", undefined, "http://example.com/.foo"],
  ["http://example.com/foo/.", undefined, "http://example.com/foo/"],
  ["http://example.com/foo/./", undefined, "http://example.com/foo/"],
  ["http://example.com/foo/bar/..", undefined, "http://example.com/foo/"],
  ["http://example.com/foo/bar/../", undefined, "http://example.com/foo/"],
  ["http://example.com/foo/..bar", undefined, "http://example.com/foo/..bar"],
  ["http://example.com/foo/bar/../ton", undefined, "http://example.com/foo/ton"],
  ["http://example.com/foo/bar/../ton/../../a", undefined, "http://example.com/a"],
  ["http://example.com/foo/../../..", undefined, "http://example.com/"],
  ["http://example.com/foo/../../../ton", undefined, "http://example.com/ton"],
  ["http://example.com/foo/%2e", undefined, "http://example.com/foo/"],
  ["http://example.com/foo/%2e%2", undefined, "http://example.com/foo/%2e%2"],
  ["http://example.com/foo/%2e./%2e%2e/.%2e/%2e.bar", undefined, "http://example.com/%2e.bar"],
  ["http://example.com////../..", undefined, "http://example.com//"],
  ["http://example.com/foo/bar//../..", undefined, "http://example.com/foo/"],
  ["http://example.com/foo/bar//..", undefined, "http://example.com/foo/bar/"],
  ["http://example.com/foo", undefined, "http://example.com/foo"],
  ["http://example.com/%20foo", undefined, "http://example.com/%20foo"],
  ["http://example.com/foo%", undefined, "http://example.com/foo%"],
  ["http://example.com/foo%2", undefined, "http://example.com/foo%2"],
  ["http://example.com/foo%2zbar", undefined, "http://example.com/foo%2zbar"],
  ["http://example.com/foo%2Â©zbar", undefined, "http://example.com/foo%2%C3%82%C2%A9zbar"],
  ["http://example.com/foo%41%7a", undefined, "http://example.com/foo%41%7a"],
  ["http://example.com/foo\t%91", undefined, "http://example.com/foo%C2%91%91"],
  ["http://example.com/foo%00%51", undefined, "http://example.com/foo%00%51"],
  ["http://example.com/(%28:%3A%29)", undefined, "http://example.com/(%28:%3A%29)"],
  ["http://example.com/%3A%3a%3C%3c", undefined, "http://example.com/%3A%3a%3C%3c"],
  ["http://example.com/foo\tbar", undefined, "http://example.com/foobar"],
  ["http://example.com\\\\foo\\\\bar", undefined, "http://example.com//foo//bar"],
  ["http://example.com/%7Ffp3>*<^{}`|~", undefined, "http://example.com/%7Ffp3%3E*%3C%5E%7B%7D%60|~"],
  ["http://example.com/@asdf%40", undefined, "http://example.com/@asdf%40"],
  ["http://example.com/你好你好", undefined, "http://example.com/%E4%BD%A0%E5%A5%BD%E4%BD%A0%E5%A5%BD"],
  ["http://example.com/‥/foo", undefined, "http://example.com/%E2%80%A5/foo"],
  ["http://example.com/﻿/foo", undefined, "http://example.com/%EF%BB%BF/foo"],
  ["http://example.com/‮/foo/‭/bar", undefined, "http://example.com/%E2%80%AE/foo/%E2%80%AD/bar"],
  ["http://www.google.com/foo?bar=baz#", undefined, "http://www.google.com/foo?bar=baz#"],
  ["http://www.google.com/foo?bar=baz# »", undefined, "http://www.google.com/foo?bar=baz#%20%C2%BB"],
  ["data:test# »", undefined, "data:test#%20%C2%BB"],
  ["http://www.google.com", undefined, "http://www.google.com/"],
  ["http://192.0x00A80001", undefined, "http://192.168.0.1/"],
  ["http://www/foo%2Ehtml", undefined, "http://www/foo%2Ehtml"],
  ["http://www/foo/%2E/html", undefined, "http://www/foo/html"],
  ["http://user:pass@/", undefined, null],
  ["http://%25DOMAIN:foobar@foodomain.com/", undefined, "http://%25DOMAIN:foobar@foodomain.com/"],
  ["http:\\\\www.google.com\\foo", undefined, "http://www.google.com/foo"],
  ["http://foo:80/", undefined, "http://foo/"],
  ["http://foo:81/", undefined, "http://foo:81/"],
  ["httpa://foo:80/", undefined, "httpa://foo:80/"],
  ["http://foo:-80/", undefined, null],
  ["https://foo:443/", undefined, "https://foo/"],
  ["https://foo:80/", undefined, "https://foo:80/"],
  ["ftp://foo:21/", undefined, "ftp://foo/"],
  ["ftp://foo:80/", undefined, "ftp://foo:80/"],
  ["gopher://foo:70/", undefined, "gopher://foo:70/"],
  ["gopher://foo:443/", undefined, "gopher://foo:443/"],
  ["ws://foo:80/", undefined, "ws://foo/"],
  ["ws://foo:81/", undefined, "ws://foo:81/"],
  ["ws://foo:443/", undefined, "ws://foo:443/"],
  ["ws://foo:815/", undefined, "ws://foo:815/"],
  ["wss://foo:80/", undefined, "wss://foo:80/"],
  ["wss://foo:81/", undefined, "wss://foo:81/"],
  ["wss://foo:443/", undefined, "wss://foo/"],
  ["wss://foo:815/", undefined, "wss://foo:815/"],
  ["http://example.com/foo/../bar", undefined, "http://example.com/bar"],
  ["http://GOO 　goo.com", undefined, null],
  ["http://GOO​⁠﻿goo.com", undefined, "http://googoo.com/"],
  ["\u0000\u001b\u0004\u0012 http://example.com/\u001f \r ", undefined, "http://example.com/"],
  ["http://www.foo。bar.com", undefined, "http://www.foo.bar.com/"],
  ["http://﷐zyx.com", undefined, null],
  ["http://%ef%b7%90zyx.com", undefined, null],
  ["http://Ｇｏ.com", undefined, "http://go.com/"],
  ["http://％４１.com", undefined, null],
  ["http://%ef%bc%85%ef%bc%94%ef%bc%91.com", undefined, null],
  ["http://％００.com", undefined, null],
  ["http://%ef%bc%85%ef%bc%90%ef%bc%90.com", undefined, null],
  ["http://你好你好", undefined, "http://xn--6qqa088eba/"],
  ["https://faß.ExAmPlE/", undefined, "https://xn--fa-hia.example/"],
  ["sc://faß.ExAmPlE/", undefined, "sc://fa%C3%9F.ExAmPlE/"],
  ["http://%zz%66%a.com", undefined, null],
  ["http://%25", undefined, null],
  ["http://hello%00", undefined, null],
  ["http://%30%78%63%30%2e%30%32%35%30.01", undefined, "http://192.168.0.1/"],
  ["http://%30%78%63%30%2e%30%32%35%30.01%2e", undefined, "http://192.168.0.1/"],
  ["http://192.168.0.257", undefined, null],
  ["http://%3g%78%63%30%2e%30%32%35%30%2E.01", undefined, null],
  ["http://192.168.0.1 hello", undefined, null],
  ["https://x x:12", undefined, null],
  ["http://０Ｘｃ０．０２５０．０１", undefined, "http://192.168.0.1/"],
  ["http://./", undefined, "http://./"],
  ["http://../", undefined, "http://../"],
  ["h://.", undefined, "h://."],
  ["http://[www.google.com]/", undefined, null],
  ["http://host/?'", undefined, "http://host/?%27"],
  ["notspecial://host/?'", undefined, "notspecial://host/?'"],
  ["/some/path", "http://user@example.org/smth", "http://user@example.org/some/path"],
  ["", "http://user:pass@example.org:21/smth", "http://user:pass@example.org:21/smth"],
  ["/some/path", "http://user:pass@example.org:21/smth", "http://user:pass@example.org:21/some/path"],
  ["i", "sc:sd", null],
  ["i", "sc:sd/sd", null],
  ["i", "sc:/pa/pa", "sc:/pa/i"],
  ["i", "sc://ho/pa", "sc://ho/i"],
  ["i", "sc:///pa/pa", "sc:///pa/i"],
  ["../i", "sc:sd", null],
  ["../i", "sc:/pa/pa", "sc:/i"],
  ["../i", "sc://ho/pa", "sc://ho/i"],
  ["/i", "sc:sd", null],
  ["/i", "sc://ho/pa", "sc://ho/i"],
  ["?i", "sc:sd", null],
  ["?i", "sc:/pa/pa", "sc:/pa/pa?i"],
  ["#i", "sc:sd", "sc:sd#i"],
  ["#i", "sc:sd/sd", "sc:sd/sd#i"],
  ["#i", "sc:/pa/pa", "sc:/pa/pa#i"],
  ["about:/../", undefined, "about:/"],
  ["data:/../", undefined, "data:/"],
  ["javascript:/../", undefined, "javascript:/"],
  ["mailto:/../", undefined, "mailto:/"],
  ["sc://ñ.test/", undefined, "sc://%C3%B1.test/"],
  ["sc://%/", undefined, "sc://%/"],
  ["sc://@/", undefined, null],
  ["sc://te@s:t@/", undefined, null],
  ["sc://:/", undefined, null],
  ["sc://:12/", undefined, null],
  ["x", undefined, null],
  ["sc:\\../", undefined, "sc:\\../"],
  ["sc::a@example.net", undefined, "sc::a@example.net"],
  ["sc:a@example.net", undefined, "sc:a@example.net"],
  ["sc://a\u0000b/", undefined, null],
  ["sc://a b/", undefined, null],
  ["sc://a<b", undefined, null],
  ["sc://a>b", undefined, null],
  ["sc://a[b/", undefined, null],
  ["sc://a\\b/", undefined, null],
  ["sc://a]b/", undefined, null],
  ["sc://a^b", undefined, null],
  ["sc://a|b/", undefined, null],
  ["foo://ho\tst/", undefined, "foo://host/"],
  ["foo://ho\nst/", undefined, "foo://host/"],
  ["foo://ho\rst/", undefined, "foo://host/"],
  ["http://ho%00st/", undefined, null],
  ["http://ho%09st/", undefined, null],
  ["http://ho%0Ast/", undefined, null],
  ["http://ho%0Dst/", undefined, null],
  ["http://ho%20st/", undefined, null],
  ["http://ho%23st/", undefined, null],
  ["http://ho%25st/", undefined, null],
  ["http://ho%2Fst/", undefined, null],
  ["http://ho%3Ast/", undefined, null],
  ["http://ho%3Cst/", undefined, null],
  ["http://ho%3Est/", undefined, null],
  ["http://ho%3Fst/", undefined, null],
  ["http://ho%40st/", undefined, null],
  ["http://ho%5Bst/", undefined, null],
  ["http://ho%5Cst/", undefined, null],
  ["http://ho%5Dst/", undefined, null],
  ["http://ho%7Cst/", undefined, null],
  ["http://ho%7Fst/", undefined, null],
  ["http://!\"$&'()*+,-.;=_`{}~/", undefined, "http://!\"$&'()*+,-.;=_`{}~/"],
  ["sc://\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\u000b\f\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f!\"$%&'()*+,-.;=_`{}~/", undefined, "sc://%01%02%03%04%05%06%07%08%0B%0C%0E%0F%10%11%12%13%14%15%16%17%18%19%1A%1B%1C%1D%1E%1F%7F!\"$%&'()*+,-.;=_`{}~/"],
  ["ftp://example.com%80/", undefined, null],
  ["ftp://example.com%A0/", undefined, null],
  ["https://example.com%80/", undefined, null],
  ["https://example.com%A0/", undefined, null],
  ["ftp://%e2%98%83", undefined, "ftp://xn--n3h/"],
  ["https://%e2%98%83", undefined, "https://xn--n3h/"],
  ["http://127.0.0.1:10100/relative_import.html", undefined, "http://127.0.0.1:10100/relative_import.html"],
  ["http://facebook.com/?foo=%7B%22abc%22", undefined, "http://facebook.com/?foo=%7B%22abc%22"],
  ["https://localhost:3000/jqueryui@1.2.3", undefined, "https://localhost:3000/jqueryui@1.2.3"],
  ["h\tt\nt\rp://h\to\ns\rt:9\t0\n0\r0/p\ta\nt\rh?q\tu\ne\rry#f\tr\na\rg", undefined, "http://host:9000/path?query#frag"],
  ["?a=b&c=d", "http://example.org/foo/bar", "http://example.org/foo/bar?a=b&c=d"],
  ["??a=b&c=d", "http://example.org/foo/bar", "http://example.org/foo/bar??a=b&c=d"],
  ["http:", "http://example.org/foo/bar", "http://example.org/foo/bar"],
  ["http:", "https://example.org/foo/bar", null],
  ["sc:", "https://example.org/foo/bar", "sc:"],
  ["http://foo.bar/baz?qux#foo\bbar", undefined, "http://foo.bar/baz?qux#foo%08bar"],
  ["http://foo.bar/baz?qux#foo\"bar", undefined, "http://foo.bar/baz?qux#foo%22bar"],
  ["http://foo.bar/baz?qux#foo<bar", undefined, "http://foo.bar/baz?qux#foo%3Cbar"],
  ["http://foo.bar/baz?qux#foo>bar", undefined, "http://foo.bar/baz?qux#foo%3Ebar"],
  ["http://foo.bar/baz?qux#foo`bar", undefined, "http://foo.bar/baz?qux#foo%60bar"],
  ["http://1.2.3.4/", "http://other.com/", "http://1.2.3.4/"],
  ["http://1.2.3.4.5", "http://other.com/", null],
  ["http://1.2.3.4.5.", "http://other.com/", null],
  ["http://0..0x300/", undefined, null],
  ["http://0..0x300./", undefined, null],
  ["http://256.256.256.256.256", undefined, null],
  ["http://256.256.256.256.256.", undefined, null],
  ["http://1.2.3.08", undefined, null],
  ["http://1.2.3.08.", undefined, null],
  ["http://1.2.3.09", undefined, null],
  ["http://09.2.3.4", undefined, null],
  ["http://09.2.3.4.", undefined, null],
  ["http://01.2.3.4.5", undefined, null],
  ["http://01.2.3.4.5.", undefined, null],
  ["http://0x100.2.3.4", undefined, null],
  ["http://0x100.2.3.4.", undefined, null],
  ["http://0x1.2.3.4.5", undefined, null],
  ["http://0x1.2.3.4.5.", undefined, null],
  ["http://foo.1.2.3.4", undefined, null],
  ["http://foo.1.2.3.4.", undefined, null],
  ["http://foo.2.3.4", undefined, null],
  ["http://foo.2.3.4.", undefined, null],
  ["http://foo.09", undefined, null],
  ["http://foo.09.", undefined, null],
  ["http://foo.0x4", undefined, null],
  ["http://foo.0x4.", undefined, null],
  ["http://foo.09..", undefined, "http://foo.09../"],
  ["http://0999999999999999999/", undefined, null],
  ["http://foo.0x", undefined, null],
  ["http://foo.0XFfFfFfFfFfFfFfFfFfAcE123", undefined, null],
  ["http://💩.123/", undefined, null],
  ["http://4294967295", undefined, "http://255.255.255.255/"],
  ["http://4294967296", undefined, null],
  ["http://0xffffffff", undefined, "http://255.255.255.255/"],
  ["http://0xffffffff1", undefined, null],
  ["http://256", undefined, "http://0.0.1.0/"],
  ["http://256.", undefined, "http://0.0.1.0/"],
  ["http://0x.0x.0", undefined, "http://0.0.0.0/"],
  ["http://0x100000000/", undefined, null],
  ["http://0.0.0.0x100/", undefined, null],
  ["http://10.0.0.0xA/", undefined, "http://10.0.0.10/"],
  ["http://0300.0250.0.01", undefined, "http://192.168.0.1/"],
  ["http://1.2.3.4.", undefined, "http://1.2.3.4/"],
  ["http://1.2.3.4..", undefined, "http://1.2.3.4../"],
  ["http://0x7f.1/", undefined, "http://127.0.0.1/"],
  ["http://127.1", undefined, "http://127.0.0.1/"],
  ["http://1.2.3", undefined, "http://1.2.0.3/"],
  ["http://[1:0::]", undefined, "http://[1::]/"],
  ["http://[0:1:0:1:0:1:0:1]", undefined, "http://[0:1:0:1:0:1:0:1]/"],
  ["http://[1:0:1:0:1:0:1:0]", undefined, "http://[1:0:1:0:1:0:1:0]/"],
  ["http://[1:0:0:0:0:1:0:0]", undefined, "http://[1::1:0:0]/"],
  ["http://[0:0:1:0:0:0:0:0]", undefined, "http://[0:0:1::]/"],
  ["http://[::]", undefined, "http://[::]/"],
  ["http://[::1]", undefined, "http://[::1]/"],
  ["http://[1::]", undefined, "http://[1::]/"],
  ["http://[::ffff:192.168.0.1]", undefined, "http://[::ffff:c0a8:1]/"],
  ["http://[0::0:0:0:1]", undefined, "http://[::1]/"],
  ["http://[1:2:3:4:5:6:7:8:9]", undefined, null],
  ["http://[1:2:3:4:5:6:7]", undefined, null],
  ["http://[:1]", undefined, null],
  ["http://[1:]", undefined, null],
  ["http://[1::2::3]", undefined, null],
  ["http://[::1.2.3.]", undefined, null],
  ["http://[::1.2.]", undefined, null],
  ["http://[::1.]", undefined, null],
  ["http://[::1.2.3.4.5]", undefined, null],
  ["http://[::1.2.3.256]", undefined, null],
  ["http://[::1.2.3.04]", undefined, null],
  ["http://[::.1.2]", undefined, null],
  ["http://[1:2:3:4:5:6:1.2.3.4]", undefined, "http://[1:2:3:4:5:6:102:304]/"],
  ["http://[1:2:3:4:5:6:7:1.2.3.4]", undefined, null],
  ["http://[::12345]", undefined, null],
  ["http://[ABCD:ef01::]", undefined, "http://[abcd:ef01::]/"],
  ["http://[0:0:0:0:0:0:0:0]", undefined, "http://[::]/"],
  ["http://[1:0:0:2:0:0:0:3]", undefined, "http://[1:0:0:2::3]/"],
  ["http://[1:0:0:2:0:0:3:0]", undefined, "http://[1::2:0:0:3:0]/"],
  ["http://[::127.0.0.0.1]", undefined, null],
  ["http://[0:0:0:0:0:0:0:0:0]", undefined, null],
  ["http://[::%31]", undefined, null],
  ["http://%5B::1]", undefined, null],
  ["sc://[1::2]/", undefined, "sc://[1::2]/"],
  ["sc://[1::2/", undefined, null],
  ["sc://1.2.3.4/", undefined, "sc://1.2.3.4/"],
  ["file:///C:/a/b", undefined, "file:///C:/a/b"],
  ["file:///C|/a/b", undefined, "file:///C:/a/b"],
  ["file://C:/a/b", undefined, "file:///C:/a/b"],
  ["file:C:/a", undefined, "file:///C:/a"],
  ["file:/C|/", undefined, "file:///C:/"],
  ["file://host/C:/x", undefined, "file://host/C:/x"],
  ["file://localhost/C:/x", undefined, "file:///C:/x"],
  ["file:///C:/../..", undefined, "file:///C:/"],
  ["file:///C:/a/../../b", undefined, "file:///C:/b"],
  ["file:..", "file:///C:/", "file:///C:/"],
  ["..", "file:///C:/", "file:///C:/"],
  ["..", "file:///", "file:///"],
  ["/", "file:///C:/a/b", "file:///C:/"],
  ["//d:", "file:///C:/a/b", "file:///d:"],
  ["//d:/..", "file:///C:/a/b", "file:///d:/"],
  ["file:", "file:///test?test#test", "file:///test?test"],
  ["file:?x", "file:///test?test#test", "file:///test?x"],
  ["file:#x", "file:///test?test#test", "file:///test?test#x"],
  ["file:\\\\//", undefined, "file:////"],
  ["file:\\\\\\\\", undefined, "file:////"],
  ["file:\\\\\\\\?fox", undefined, "file:////?fox"],
  ["file:\\\\\\\\#guppy", undefined, "file:////#guppy"],
  ["file://spider///", undefined, "file://spider///"],
  ["file:\\\\localhost//", undefined, "file:////"],
  ["file:///localhost//cat", undefined, "file:///localhost//cat"],
  ["file://\\/localhost//cat", undefined, "file:////localhost//cat"],
  ["file://localhost//a//../..//", undefined, "file://///"],
  ["/////mouse", "file:///elephant", "file://///mouse"],
  ["\\//pig", "file://lion/", "file:///pig"],
  ["\\/localhost//pig", "file://lion/", "file:////pig"],
  ["//localhost//pig", "file://lion/", "file:////pig"],
  ["/..//localhost//pig", "file://lion/", "file://lion//localhost//pig"],
  ["file://", "file://ape/", "file:///"],
  ["/rooibos", "file://tea/", "file://tea/rooibos"],
  ["/?chai", "file://tea/", "file://tea/?chai"],
  ["C|", "file://host/dir/file", "file://host/C:"],
  ["C|#", "file://host/dir/file", "file://host/C:#"],
  ["C|?", "file://host/dir/file", "file://host/C:?"],
  ["C|/", "file://host/dir/file", "file://host/C:/"],
  ["C|\n/", "file://host/dir/file", "file://host/C:/"],
  ["C|\\", "file://host/dir/file", "file://host/C:/"],
  ["C", "file://host/dir/file", "file://host/dir/C"],
  ["C|a", "file://host/dir/file", "file://host/dir/C|a"],
  ["/c:/foo/bar", "file:///c:/baz/qux", "file:///c:/foo/bar"],
  ["/c|/foo/bar", "file:///c:/baz/qux", "file:///c:/foo/bar"],
  ["file:\\c:\\foo\\bar", "file:///c:/baz/qux", "file:///c:/foo/bar"],
  ["/c:/foo/bar", "file://host/path", "file://host/c:/foo/bar"],
  ["file://example.net/C:/", undefined, "file://example.net/C:/"],
  ["file://1.2.3.4/C:/", undefined, "file://1.2.3.4/C:/"],
  ["file://[1::8]/C:/", undefined, "file://[1::8]/C:/"],
  ["C|/", "file://host/", "file://host/C:/"],
  ["/C:/", "file://host/", "file://host/C:/"],
  ["file:C:/", "file://host/", "file://host/C:/"],
  ["file:/C:/", "file://host/", "file://host/C:/"],
  ["//C:/", "file://host/", "file:///C:/"],
  ["file://C:/", "file://host/", "file:///C:/"],
  ["///C:/", "file://host/", "file:///C:/"],
  ["file:///C:/", "file://host/", "file:///C:/"],
  ["file://C|/", undefined, "file:///C:/"],
  ["file:", undefined, "file:///"],
  ["file:?q=v", undefined, "file:///?q=v"],
  ["file:#frag", undefined, "file:///#frag"],
  ["file:///Y:", undefined, "file:///Y:"],
  ["file:///Y:/", undefined, "file:///Y:/"],
  ["file:///./Y", undefined, "file:///Y"],
  ["file:///./Y:", undefined, "file:///Y:"],
  ["\\\\\\.\\Y:", undefined, null],
  ["file:///y:", undefined, "file:///y:"],
  ["file:///./y:", undefined, "file:///y:"],
  ["\\\\\\.\\y:", undefined, null],
  ["file://localhost//a//../..//foo", undefined, "file://///foo"],
  ["file://localhost////foo", undefined, "file://////foo"],
  ["file:////foo", undefined, "file:////foo"],
  ["file:///one/two", "file:///", "file:///one/two"],
  ["file:////one/two", "file:///", "file:////one/two"],
  ["//one/two", "file:///", "file://one/two"],
  ["///one/two", "file:///", "file:///one/two"],
  ["////one/two", "file:///", "file:////one/two"],
  ["file:///.//", "file:////", "file:////"],
  ["file:.//p", undefined, "file:////p"],
  ["file:/.//p", undefined, "file:////p"],
  ["file://loC𝐀𝐋𝐇𝐨𝐬𝐭/usr/bin", undefined, "file:///usr/bin"],
  ["file://xn--/p", undefined, null],
  ["sc:/.//p", undefined, "sc:/.//p"],
  ["web+demo:/.//not-a-host/", undefined, "web+demo:/.//not-a-host/"],
  ["web+demo:/..//not-a-host/", undefined, "web+demo:/.//not-a-host/"],
  ["non-spec:/.//p", undefined, "non-spec:/.//p"],
  ["non-spec:/..//p", undefined, "non-spec:/.//p"],
  ["non-spec:/a/..//p", undefined, "non-spec:/.//p"],
  ["non-spec:/.//", "non-spec:/p", "non-spec:/.//"],
  ["/.//path", "non-spec:/p", "non-spec:/.//path"],
  ["..//path", "non-spec:/p/q", "non-spec:/.//path"],
  ["a/../..//path", "non-spec:/p", "non-spec:/.//path"],
  ["", "non-spec:/..//p", "non-spec:/.//p"],
  ["path", "non-spec:/..//p", "non-spec:/.//path"],
  ["non-special://[1:2:0:0:5:0:0:0]/", undefined, "non-special://[1:2:0:0:5::]/"],
  ["non-special://[1:2::3]:80/", undefined, "non-special://[1:2::3]:80/"],
  ["non-special://[:80/", undefined, null],
  ["blob:https://example.com:443/", undefined, "blob:https://example.com:443/"],
  ["blob:d3958f5c-0777-0845-9dcf-2cb28783acaf", undefined, "blob:d3958f5c-0777-0845-9dcf-2cb28783acaf"],
  ["blob:", undefined, "blob:"],
  ["blob:blob:", undefined, "blob:blob:"],
  ["blob:blob:https://example.org/", undefined, "blob:blob:https://example.org/"],
  ["blob:about:blank", undefined, "blob:about:blank"],
  ["blob:file://host/path", undefined, "blob:file://host/path"],
  ["blob:ftp://host/path", undefined, "blob:ftp://host/path"],
  ["blob:ws://example.org/", undefined, "blob:ws://example.org/"],
  ["blob:wss://example.org/", undefined, "blob:wss://example.org/"],
  ["blob:http%3a//example.org/", undefined, "blob:http%3a//example.org/"],
  ["http://a.b.c.xn--pokxncvks", undefined, null],
  ["http://10.0.0.xn--pokxncvks", undefined, null],
  ["http://a.b.c.XN--pokxncvks", undefined, null],
  ["http://a.b.c.Xn--pokxncvks", undefined, null],
  ["http://10.0.0.XN--pokxncvks", undefined, null],
  ["http://10.0.0.xN--pokxncvks", undefined, null],
  ["http://xn--ls8h", undefined, "http://xn--ls8h/"],
  ["http://xn--ls8h.", undefined, "http://xn--ls8h./"],
  ["http://xn--", undefined, null],
  ["http://xn--a", undefined, null],
  ["http://xn--a.xn--nxa", undefined, null],
  ["http://xn--zca.xn--zca", undefined, "http://xn--zca.xn--zca/"],
  ["http://ab--c", undefined, "http://ab--c/"],
  ["http://-x", undefined, "http://-x/"],
  ["http://x-", undefined, "http://x-/"],
  ["http://a..b", undefined, "http://a..b/"],
  ["http://­/", undefined, null],
  ["http://%C2%AD/", undefined, null],
  ["http://xn--ls8h/", undefined, "http://xn--ls8h/"],
  ["http://💩/", undefined, "http://xn--ls8h/"],
  ["http://bücher.example", undefined, "http://xn--bcher-kva.example/"],
  ["http://ÄÖÜ.example", undefined, "http://xn--4ca0bs.example/"],
  ["https://münchen.de", undefined, "https://xn--mnchen-3ya.de/"],
  ["http://日本語.jp", undefined, "http://xn--wgv71a119e.jp/"],
  ["http://пример.испытание", undefined, "http://xn--e1afmkfd.xn--80akhbyknj4f/"],
  ["http://ex%41mple.com", undefined, "http://example.com/"],
  ["http://á.com", undefined, "http://xn--1ca.com/"],
  ["http://́a.com", undefined, null],
  ["http://ﬀ.com", undefined, "http://ff.com/"],
  ["http://İ.com", undefined, "http://xn--i-9bb.com/"],
  ["http://ς.com", undefined, "http://xn--3xa.com/"],
  ["http://ß.com", undefined, "http://xn--zca.com/"],
  ["http://‍.com", undefined, null],
  ["http://a‌b.com", undefined, null],
  ["http://xn--1ug.com", undefined, null],
  ["http://a.xn--ls8h-.com", undefined, null],
  ["non-special:opaque  ?hi", undefined, "non-special:opaque %20?hi"],
  ["non-special:opaque  #hi", undefined, "non-special:opaque %20#hi"],
  ["non-special:opaque  x?hi", undefined, "non-special:opaque  x?hi"],
  ["non-special:opaque\t\t  \t#hi", undefined, "non-special:opaque %20#hi"],
  ["data:space    ?query", undefined, "data:space   %20?query"],
  ["sc:a b", undefined, "sc:a b"],
  ["mailto:user@example.com", undefined, "mailto:user@example.com"],
  ["javascript:alert(1)", undefined, "javascript:alert(1)"],
  ["urn:isbn:0451450523", undefined, "urn:isbn:0451450523"],
  ["http://example.com/path?a=b c'd<e>f\"g`h{i}j^k", undefined, "http://example.com/path?a=b%20c%27d%3Ce%3Ef%22g`h{i}j^k"],
  ["wss://example.com/path?a=b c'd", undefined, "wss://example.com/path?a=b%20c%27d"],
  ["foo://example.com/path?a=b c'd^", undefined, "foo://example.com/path?a=b%20c'd^"],
  ["http://example.com/#a b`c{d}e", undefined, "http://example.com/#a%20b%60c{d}e"],
  ["http://u%ser:p@ss@x/", undefined, "http://u%ser:p%40ss@x/"],
  ["http://us^er:p|a[s]s@x/", undefined, "http://us%5Eer:p%7Ca%5Bs%5Ds@x/"],
  ["http://a/^", undefined, "http://a/%5E"],
  ["sc://a/^", undefined, "sc://a/%5E"],
  ["http://a/path with space/", undefined, "http://a/path%20with%20space/"],
];

const COMPONENT_CASES = [
  ["http://user:pass@foo:21/bar;par?b#c", "http://example.org/foo/bar", {"href":"http://user:pass@foo:21/bar;par?b#c","origin":"http://foo:21","protocol":"http:","username":"user","password":"pass","host":"foo:21","hostname":"foo","port":"21","pathname":"/bar;par","search":"?b","hash":"#c"}],
  ["https://EXAMPLE.com:443/a/./b/../c?q=1#h", undefined, {"href":"https://example.com/a/c?q=1#h","origin":"https://example.com","protocol":"https:","username":"","password":"","host":"example.com","hostname":"example.com","port":"","pathname":"/a/c","search":"?q=1","hash":"#h"}],
  ["HTTP://[::FFFF:192.168.0.1]:8080/x", undefined, {"href":"http://[::ffff:c0a8:1]:8080/x","origin":"http://[::ffff:c0a8:1]:8080","protocol":"http:","username":"","password":"","host":"[::ffff:c0a8:1]:8080","hostname":"[::ffff:c0a8:1]","port":"8080","pathname":"/x","search":"","hash":""}],
  ["ws://example.com:80/chat", undefined, {"href":"ws://example.com/chat","origin":"ws://example.com","protocol":"ws:","username":"","password":"","host":"example.com","hostname":"example.com","port":"","pathname":"/chat","search":"","hash":""}],
  ["wss://example.com:443/", undefined, {"href":"wss://example.com/","origin":"wss://example.com","protocol":"wss:","username":"","password":"","host":"example.com","hostname":"example.com","port":"","pathname":"/","search":"","hash":""}],
  ["ftp://ftp.example.com:21/file", undefined, {"href":"ftp://ftp.example.com/file","origin":"ftp://ftp.example.com","protocol":"ftp:","username":"","password":"","host":"ftp.example.com","hostname":"ftp.example.com","port":"","pathname":"/file","search":"","hash":""}],
  ["file:///C:/Windows/../Users", undefined, {"href":"file:///C:/Users","origin":"null","protocol":"file:","username":"","password":"","host":"","hostname":"","port":"","pathname":"/C:/Users","search":"","hash":""}],
  ["file://localhost/etc/hosts", undefined, {"href":"file:///etc/hosts","origin":"null","protocol":"file:","username":"","password":"","host":"","hostname":"","port":"","pathname":"/etc/hosts","search":"","hash":""}],
  ["file://server/share/x", undefined, {"href":"file://server/share/x","origin":"null","protocol":"file:","username":"","password":"","host":"server","hostname":"server","port":"","pathname":"/share/x","search":"","hash":""}],
  ["mailto:someone@example.com?subject=hi", undefined, {"href":"mailto:someone@example.com?subject=hi","origin":"null","protocol":"mailto:","username":"","password":"","host":"","hostname":"","port":"","pathname":"someone@example.com","search":"?subject=hi","hash":""}],
  ["data:text/plain;base64,SGk=", undefined, {"href":"data:text/plain;base64,SGk=","origin":"null","protocol":"data:","username":"","password":"","host":"","hostname":"","port":"","pathname":"text/plain;base64,SGk=","search":"","hash":""}],
  ["javascript:alert(1)", undefined, {"href":"javascript:alert(1)","origin":"null","protocol":"javascript:","username":"","password":"","host":"","hostname":"","port":"","pathname":"alert(1)","search":"","hash":""}],
  ["sc://ñ.test/", undefined, {"href":"sc://%C3%B1.test/","origin":"null","protocol":"sc:","username":"","password":"","host":"%C3%B1.test","hostname":"%C3%B1.test","port":"","pathname":"/","search":"","hash":""}],
  ["non-spec:/.//p", undefined, {"href":"non-spec:/.//p","origin":"null","protocol":"non-spec:","username":"","password":"","host":"","hostname":"","port":"","pathname":"//p","search":"","hash":""}],
  ["blob:https://example.com:443/uuid", undefined, {"href":"blob:https://example.com:443/uuid","origin":"https://example.com","protocol":"blob:","username":"","password":"","host":"","hostname":"","port":"","pathname":"https://example.com:443/uuid","search":"","hash":""}],
  ["blob:null/uuid", undefined, {"href":"blob:null/uuid","origin":"null","protocol":"blob:","username":"","password":"","host":"","hostname":"","port":"","pathname":"null/uuid","search":"","hash":""}],
  ["http://münchen.de/straße?ä=ö#ü", undefined, {"href":"http://xn--mnchen-3ya.de/stra%C3%9Fe?%C3%A4=%C3%B6#%C3%BC","origin":"http://xn--mnchen-3ya.de","protocol":"http:","username":"","password":"","host":"xn--mnchen-3ya.de","hostname":"xn--mnchen-3ya.de","port":"","pathname":"/stra%C3%9Fe","search":"?%C3%A4=%C3%B6","hash":"#%C3%BC"}],
  ["https://0x7f.1/", undefined, {"href":"https://127.0.0.1/","origin":"https://127.0.0.1","protocol":"https:","username":"","password":"","host":"127.0.0.1","hostname":"127.0.0.1","port":"","pathname":"/","search":"","hash":""}],
  ["http://[1:0:0:2:0:0:0:3]/", undefined, {"href":"http://[1:0:0:2::3]/","origin":"http://[1:0:0:2::3]","protocol":"http:","username":"","password":"","host":"[1:0:0:2::3]","hostname":"[1:0:0:2::3]","port":"","pathname":"/","search":"","hash":""}],
  ["//x/y", "https://base.example/dir/file", {"href":"https://x/y","origin":"https://x","protocol":"https:","username":"","password":"","host":"x","hostname":"x","port":"","pathname":"/y","search":"","hash":""}],
  ["../up?q", "http://a/b/c/d", {"href":"http://a/b/up?q","origin":"http://a","protocol":"http:","username":"","password":"","host":"a","hostname":"a","port":"","pathname":"/b/up","search":"?q","hash":""}],
  ["?only", "http://a/b?old#frag", {"href":"http://a/b?only","origin":"http://a","protocol":"http:","username":"","password":"","host":"a","hostname":"a","port":"","pathname":"/b","search":"?only","hash":""}],
  ["#frag2", "http://a/b?q#frag", {"href":"http://a/b?q#frag2","origin":"http://a","protocol":"http:","username":"","password":"","host":"a","hostname":"a","port":"","pathname":"/b","search":"?q","hash":"#frag2"}],
  ["http://a:b@c:29/d", undefined, {"href":"http://a:b@c:29/d","origin":"http://c:29","protocol":"http:","username":"a","password":"b","host":"c:29","hostname":"c","port":"29","pathname":"/d","search":"","hash":""}],
  ["http://%41:%42@host/", undefined, {"href":"http://%41:%42@host/","origin":"http://host","protocol":"http:","username":"%41","password":"%42","host":"host","hostname":"host","port":"","pathname":"/","search":"","hash":""}],
];

const SETTER_CASES = [
  ["http://example.net/path", 'protocol', "https", "https://example.net/path"],
  ["http://example.net/path", 'protocol', "HTTP", "http://example.net/path"],
  ["http://example.net/path", 'protocol', "ftp:", "ftp://example.net/path"],
  ["http://example.net/path", 'protocol', "wss", "wss://example.net/path"],
  ["http://example.net/path", 'protocol', "file", "file://example.net/path"],
  ["http://example.net/path", 'protocol', "sc", "http://example.net/path"],
  ["http://example.net/path", 'protocol', "a b", "http://example.net/path"],
  ["http://example.net/path", 'protocol', "1x", "http://example.net/path"],
  ["http://example.net/path", 'protocol', "http:foo", "http://example.net/path"],
  ["http://example.net/path", 'protocol', "", "http://example.net/path"],
  ["http://example.net/path", 'username', "me", "http://me@example.net/path"],
  ["http://example.net/path", 'username', "a b:c@d", "http://a%20b%3Ac%40d@example.net/path"],
  ["http://example.net/path", 'username', "é", "http://%C3%A9@example.net/path"],
  ["http://example.net/path", 'username', "", "http://example.net/path"],
  ["http://example.net/path", 'password', "secret", "http://:secret@example.net/path"],
  ["http://example.net/path", 'password', "a:b", "http://:a%3Ab@example.net/path"],
  ["http://example.net/path", 'password', "", "http://example.net/path"],
  ["http://example.net/path", 'host', "example.com", "http://example.com/path"],
  ["http://example.net/path", 'host', "example.com:8080", "http://example.com:8080/path"],
  ["http://example.net/path", 'host', "example.com:65536", "http://example.com/path"],
  ["http://example.net/path", 'host', "example.com:8080stuff", "http://example.com:8080/path"],
  ["http://example.net/path", 'host', ":8080", "http://example.net/path"],
  ["http://example.net/path", 'host', "", "http://example.net/path"],
  ["http://example.net/path", 'host', "[::1]:3", "http://[::1]:3/path"],
  ["http://example.net/path", 'host', "x/y", "http://x/path"],
  ["http://example.net/path", 'host', "x?y", "http://x/path"],
  ["http://example.net/path", 'host', "x#y", "http://x/path"],
  ["http://example.net/path", 'host', "a b", "http://example.net/path"],
  ["http://example.net/path", 'host', "0x7f.1", "http://127.0.0.1/path"],
  ["http://example.net/path", 'host', "localhost", "http://localhost/path"],
  ["http://example.net/path", 'host', "ÉX.com", "http://xn--x-9fa.com/path"],
  ["http://example.net/path", 'hostname', "example.com", "http://example.com/path"],
  ["http://example.net/path", 'hostname', "example.com:8080", "http://example.net/path"],
  ["http://example.net/path", 'hostname', "", "http://example.net/path"],
  ["http://example.net/path", 'hostname', "[::1]", "http://[::1]/path"],
  ["http://example.net/path", 'hostname', "x/y", "http://x/path"],
  ["http://example.net/path", 'hostname', "localhost", "http://localhost/path"],
  ["http://example.net/path", 'hostname', "127.1", "http://127.0.0.1/path"],
  ["http://example.net/path", 'port', "8080", "http://example.net:8080/path"],
  ["http://example.net/path", 'port', "80", "http://example.net/path"],
  ["http://example.net/path", 'port', "443", "http://example.net:443/path"],
  ["http://example.net/path", 'port', "", "http://example.net/path"],
  ["http://example.net/path", 'port', "abc", "http://example.net/path"],
  ["http://example.net/path", 'port', "12abc", "http://example.net:12/path"],
  ["http://example.net/path", 'port', "65536", "http://example.net/path"],
  ["http://example.net/path", 'port', "0", "http://example.net:0/path"],
  ["http://example.net/path", 'pathname', "/foo", "http://example.net/foo"],
  ["http://example.net/path", 'pathname', "foo", "http://example.net/foo"],
  ["http://example.net/path", 'pathname', "a b?c#d", "http://example.net/a%20b%3Fc%23d"],
  ["http://example.net/path", 'pathname', "../x", "http://example.net/x"],
  ["http://example.net/path", 'pathname', "/./y/../z", "http://example.net/z"],
  ["http://example.net/path", 'pathname', "\\a\\b", "http://example.net/a/b"],
  ["http://example.net/path", 'pathname', "//x", "http://example.net//x"],
  ["http://example.net/path", 'pathname', "", "http://example.net/"],
  ["http://example.net/path", 'pathname', "%2e%2E/q", "http://example.net/q"],
  ["http://example.net/path", 'pathname', "C|/x", "http://example.net/C|/x"],
  ["http://example.net/path", 'search', "?a=b", "http://example.net/path?a=b"],
  ["http://example.net/path", 'search', "a=b c", "http://example.net/path?a=b%20c"],
  ["http://example.net/path", 'search', "", "http://example.net/path"],
  ["http://example.net/path", 'search', "?", "http://example.net/path?"],
  ["http://example.net/path", 'search', "#x", "http://example.net/path?%23x"],
  ["http://example.net/path", 'search', "q='", "http://example.net/path?q=%27"],
  ["http://example.net/path", 'hash', "#x", "http://example.net/path#x"],
  ["http://example.net/path", 'hash', "y z", "http://example.net/path#y%20z"],
  ["http://example.net/path", 'hash', "", "http://example.net/path"],
  ["http://example.net/path", 'hash', "#", "http://example.net/path#"],
  ["http://example.net/path", 'hash', "##", "http://example.net/path##"],
  ["http://example.net/path", 'hash', "`<>", "http://example.net/path#%60%3C%3E"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'protocol', "https", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'protocol', "HTTP", "http://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'protocol', "ftp:", "ftp://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'protocol', "wss", "wss://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'protocol', "file", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'protocol', "sc", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'protocol', "a b", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'protocol', "1x", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'protocol', "http:foo", "http://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'protocol', "", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'username', "me", "https://me:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'username', "a b:c@d", "https://a%20b%3Ac%40d:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'username', "é", "https://%C3%A9:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'username', "", "https://:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'password', "secret", "https://user:secret@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'password', "a:b", "https://user:a%3Ab@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'password', "", "https://user@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'host', "example.com", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'host', "example.com:8080", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'host', "example.com:65536", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'host', "example.com:8080stuff", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'host', ":8080", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'host', "", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'host', "[::1]:3", "https://user:pw@[::1]:3/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'host', "x/y", "https://user:pw@x:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'host', "x?y", "https://user:pw@x:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'host', "x#y", "https://user:pw@x:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'host', "a b", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'host', "0x7f.1", "https://user:pw@127.0.0.1:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'host', "localhost", "https://user:pw@localhost:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'host', "ÉX.com", "https://user:pw@xn--x-9fa.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'hostname', "example.com", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'hostname', "example.com:8080", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'hostname', "", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'hostname', "[::1]", "https://user:pw@[::1]:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'hostname', "x/y", "https://user:pw@x:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'hostname', "localhost", "https://user:pw@localhost:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'hostname', "127.1", "https://user:pw@127.0.0.1:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'port', "8080", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'port', "80", "https://user:pw@example.com:80/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'port', "443", "https://user:pw@example.com/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'port', "", "https://user:pw@example.com/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'port', "abc", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'port', "12abc", "https://user:pw@example.com:12/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'port', "65536", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'port', "0", "https://user:pw@example.com:0/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'pathname', "/foo", "https://user:pw@example.com:8080/foo?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'pathname', "foo", "https://user:pw@example.com:8080/foo?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'pathname', "a b?c#d", "https://user:pw@example.com:8080/a%20b%3Fc%23d?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'pathname', "../x", "https://user:pw@example.com:8080/x?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'pathname', "/./y/../z", "https://user:pw@example.com:8080/z?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'pathname', "\\a\\b", "https://user:pw@example.com:8080/a/b?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'pathname', "//x", "https://user:pw@example.com:8080//x?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'pathname', "", "https://user:pw@example.com:8080/?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'pathname', "%2e%2E/q", "https://user:pw@example.com:8080/q?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'pathname', "C|/x", "https://user:pw@example.com:8080/C|/x?x=1#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'search', "?a=b", "https://user:pw@example.com:8080/a/b?a=b#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'search', "a=b c", "https://user:pw@example.com:8080/a/b?a=b%20c#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'search', "", "https://user:pw@example.com:8080/a/b#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'search', "?", "https://user:pw@example.com:8080/a/b?#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'search', "#x", "https://user:pw@example.com:8080/a/b?%23x#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'search', "q='", "https://user:pw@example.com:8080/a/b?q=%27#f"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'hash', "#x", "https://user:pw@example.com:8080/a/b?x=1#x"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'hash', "y z", "https://user:pw@example.com:8080/a/b?x=1#y%20z"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'hash', "", "https://user:pw@example.com:8080/a/b?x=1"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'hash', "#", "https://user:pw@example.com:8080/a/b?x=1#"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'hash', "##", "https://user:pw@example.com:8080/a/b?x=1##"],
  ["https://user:pw@example.com:8080/a/b?x=1#f", 'hash', "`<>", "https://user:pw@example.com:8080/a/b?x=1#%60%3C%3E"],
  ["sc://x/", 'protocol', "https", "sc://x/"],
  ["sc://x/", 'protocol', "HTTP", "sc://x/"],
  ["sc://x/", 'protocol', "ftp:", "sc://x/"],
  ["sc://x/", 'protocol', "wss", "sc://x/"],
  ["sc://x/", 'protocol', "file", "sc://x/"],
  ["sc://x/", 'protocol', "sc", "sc://x/"],
  ["sc://x/", 'protocol', "a b", "sc://x/"],
  ["sc://x/", 'protocol', "1x", "sc://x/"],
  ["sc://x/", 'protocol', "http:foo", "sc://x/"],
  ["sc://x/", 'protocol', "", "sc://x/"],
  ["sc://x/", 'username', "me", "sc://me@x/"],
  ["sc://x/", 'username', "a b:c@d", "sc://a%20b%3Ac%40d@x/"],
  ["sc://x/", 'username', "é", "sc://%C3%A9@x/"],
  ["sc://x/", 'username', "", "sc://x/"],
  ["sc://x/", 'password', "secret", "sc://:secret@x/"],
  ["sc://x/", 'password', "a:b", "sc://:a%3Ab@x/"],
  ["sc://x/", 'password', "", "sc://x/"],
  ["sc://x/", 'host', "example.com", "sc://example.com/"],
  ["sc://x/", 'host', "example.com:8080", "sc://example.com:8080/"],
  ["sc://x/", 'host', "example.com:65536", "sc://example.com/"],
  ["sc://x/", 'host', "example.com:8080stuff", "sc://example.com:8080/"],
  ["sc://x/", 'host', ":8080", "sc://x/"],
  ["sc://x/", 'host', "", "sc:///"],
  ["sc://x/", 'host', "[::1]:3", "sc://[::1]:3/"],
  ["sc://x/", 'host', "x/y", "sc://x/"],
  ["sc://x/", 'host', "x?y", "sc://x/"],
  ["sc://x/", 'host', "x#y", "sc://x/"],
  ["sc://x/", 'host', "a b", "sc://x/"],
  ["sc://x/", 'host', "0x7f.1", "sc://0x7f.1/"],
  ["sc://x/", 'host', "localhost", "sc://localhost/"],
  ["sc://x/", 'host', "ÉX.com", "sc://%C3%89X.com/"],
  ["sc://x/", 'hostname', "example.com", "sc://example.com/"],
  ["sc://x/", 'hostname', "example.com:8080", "sc://x/"],
  ["sc://x/", 'hostname', "", "sc:///"],
  ["sc://x/", 'hostname', "[::1]", "sc://[::1]/"],
  ["sc://x/", 'hostname', "x/y", "sc://x/"],
  ["sc://x/", 'hostname', "localhost", "sc://localhost/"],
  ["sc://x/", 'hostname', "127.1", "sc://127.1/"],
  ["sc://x/", 'port', "8080", "sc://x:8080/"],
  ["sc://x/", 'port', "80", "sc://x:80/"],
  ["sc://x/", 'port', "443", "sc://x:443/"],
  ["sc://x/", 'port', "", "sc://x/"],
  ["sc://x/", 'port', "abc", "sc://x/"],
  ["sc://x/", 'port', "12abc", "sc://x:12/"],
  ["sc://x/", 'port', "65536", "sc://x/"],
  ["sc://x/", 'port', "0", "sc://x:0/"],
  ["sc://x/", 'pathname', "/foo", "sc://x/foo"],
  ["sc://x/", 'pathname', "foo", "sc://x/foo"],
  ["sc://x/", 'pathname', "a b?c#d", "sc://x/a%20b%3Fc%23d"],
  ["sc://x/", 'pathname', "../x", "sc://x/x"],
  ["sc://x/", 'pathname', "/./y/../z", "sc://x/z"],
  ["sc://x/", 'pathname', "\\a\\b", "sc://x/\\a\\b"],
  ["sc://x/", 'pathname', "//x", "sc://x//x"],
  ["sc://x/", 'pathname', "", "sc://x"],
  ["sc://x/", 'pathname', "%2e%2E/q", "sc://x/q"],
  ["sc://x/", 'pathname', "C|/x", "sc://x/C|/x"],
  ["sc://x/", 'search', "?a=b", "sc://x/?a=b"],
  ["sc://x/", 'search', "a=b c", "sc://x/?a=b%20c"],
  ["sc://x/", 'search', "", "sc://x/"],
  ["sc://x/", 'search', "?", "sc://x/?"],
  ["sc://x/", 'search', "#x", "sc://x/?%23x"],
  ["sc://x/", 'search', "q='", "sc://x/?q='"],
  ["sc://x/", 'hash', "#x", "sc://x/#x"],
  ["sc://x/", 'hash', "y z", "sc://x/#y%20z"],
  ["sc://x/", 'hash', "", "sc://x/"],
  ["sc://x/", 'hash', "#", "sc://x/#"],
  ["sc://x/", 'hash', "##", "sc://x/##"],
  ["sc://x/", 'hash', "`<>", "sc://x/#%60%3C%3E"],
  ["file:///C:/a", 'protocol', "https", "file:///C:/a"],
  ["file:///C:/a", 'protocol', "HTTP", "file:///C:/a"],
  ["file:///C:/a", 'protocol', "ftp:", "file:///C:/a"],
  ["file:///C:/a", 'protocol', "wss", "file:///C:/a"],
  ["file:///C:/a", 'protocol', "file", "file:///C:/a"],
  ["file:///C:/a", 'protocol', "sc", "file:///C:/a"],
  ["file:///C:/a", 'protocol', "a b", "file:///C:/a"],
  ["file:///C:/a", 'protocol', "1x", "file:///C:/a"],
  ["file:///C:/a", 'protocol', "http:foo", "file:///C:/a"],
  ["file:///C:/a", 'protocol', "", "file:///C:/a"],
  ["file:///C:/a", 'username', "me", "file:///C:/a"],
  ["file:///C:/a", 'username', "a b:c@d", "file:///C:/a"],
  ["file:///C:/a", 'username', "é", "file:///C:/a"],
  ["file:///C:/a", 'username', "", "file:///C:/a"],
  ["file:///C:/a", 'password', "secret", "file:///C:/a"],
  ["file:///C:/a", 'password', "a:b", "file:///C:/a"],
  ["file:///C:/a", 'password', "", "file:///C:/a"],
  ["file:///C:/a", 'host', "example.com", "file://example.com/C:/a"],
  ["file:///C:/a", 'host', "example.com:8080", "file:///C:/a"],
  ["file:///C:/a", 'host', "example.com:65536", "file:///C:/a"],
  ["file:///C:/a", 'host', "example.com:8080stuff", "file:///C:/a"],
  ["file:///C:/a", 'host', ":8080", "file:///C:/a"],
  ["file:///C:/a", 'host', "", "file:///C:/a"],
  ["file:///C:/a", 'host', "[::1]:3", "file:///C:/a"],
  ["file:///C:/a", 'host', "x/y", "file://x/C:/a"],
  ["file:///C:/a", 'host', "x?y", "file://x/C:/a"],
  ["file:///C:/a", 'host', "x#y", "file://x/C:/a"],
  ["file:///C:/a", 'host', "a b", "file:///C:/a"],
  ["file:///C:/a", 'host', "0x7f.1", "file://127.0.0.1/C:/a"],
  ["file:///C:/a", 'host', "localhost", "file:///C:/a"],
  ["file:///C:/a", 'host', "ÉX.com", "file://xn--x-9fa.com/C:/a"],
  ["file:///C:/a", 'hostname', "example.com", "file://example.com/C:/a"],
  ["file:///C:/a", 'hostname', "example.com:8080", "file:///C:/a"],
  ["file:///C:/a", 'hostname', "", "file:///C:/a"],
  ["file:///C:/a", 'hostname', "[::1]", "file://[::1]/C:/a"],
  ["file:///C:/a", 'hostname', "x/y", "file://x/C:/a"],
  ["file:///C:/a", 'hostname', "localhost", "file:///C:/a"],
  ["file:///C:/a", 'hostname', "127.1", "file://127.0.0.1/C:/a"],
  ["file:///C:/a", 'port', "8080", "file:///C:/a"],
  ["file:///C:/a", 'port', "80", "file:///C:/a"],
  ["file:///C:/a", 'port', "443", "file:///C:/a"],
  ["file:///C:/a", 'port', "", "file:///C:/a"],
  ["file:///C:/a", 'port', "abc", "file:///C:/a"],
  ["file:///C:/a", 'port', "12abc", "file:///C:/a"],
  ["file:///C:/a", 'port', "65536", "file:///C:/a"],
  ["file:///C:/a", 'port', "0", "file:///C:/a"],
  ["file:///C:/a", 'pathname', "/foo", "file:///foo"],
  ["file:///C:/a", 'pathname', "foo", "file:///foo"],
  ["file:///C:/a", 'pathname', "a b?c#d", "file:///a%20b%3Fc%23d"],
  ["file:///C:/a", 'pathname', "../x", "file:///x"],
  ["file:///C:/a", 'pathname', "/./y/../z", "file:///z"],
  ["file:///C:/a", 'pathname', "\\a\\b", "file:///a/b"],
  ["file:///C:/a", 'pathname', "//x", "file:////x"],
  ["file:///C:/a", 'pathname', "", "file:///"],
  ["file:///C:/a", 'pathname', "%2e%2E/q", "file:///q"],
  ["file:///C:/a", 'pathname', "C|/x", "file:///C:/x"],
  ["file:///C:/a", 'search', "?a=b", "file:///C:/a?a=b"],
  ["file:///C:/a", 'search', "a=b c", "file:///C:/a?a=b%20c"],
  ["file:///C:/a", 'search', "", "file:///C:/a"],
  ["file:///C:/a", 'search', "?", "file:///C:/a?"],
  ["file:///C:/a", 'search', "#x", "file:///C:/a?%23x"],
  ["file:///C:/a", 'search', "q='", "file:///C:/a?q=%27"],
  ["file:///C:/a", 'hash', "#x", "file:///C:/a#x"],
  ["file:///C:/a", 'hash', "y z", "file:///C:/a#y%20z"],
  ["file:///C:/a", 'hash', "", "file:///C:/a"],
  ["file:///C:/a", 'hash', "#", "file:///C:/a#"],
  ["file:///C:/a", 'hash', "##", "file:///C:/a##"],
  ["file:///C:/a", 'hash', "`<>", "file:///C:/a#%60%3C%3E"],
  ["data:text/plain,hi", 'protocol', "https", "data:text/plain,hi"],
  ["data:text/plain,hi", 'protocol', "HTTP", "data:text/plain,hi"],
  ["data:text/plain,hi", 'protocol', "ftp:", "data:text/plain,hi"],
  ["data:text/plain,hi", 'protocol', "wss", "data:text/plain,hi"],
  ["data:text/plain,hi", 'protocol', "file", "data:text/plain,hi"],
  ["data:text/plain,hi", 'protocol', "sc", "sc:text/plain,hi"],
  ["data:text/plain,hi", 'protocol', "a b", "data:text/plain,hi"],
  ["data:text/plain,hi", 'protocol', "1x", "data:text/plain,hi"],
  ["data:text/plain,hi", 'protocol', "http:foo", "data:text/plain,hi"],
  ["data:text/plain,hi", 'protocol', "", "data:text/plain,hi"],
  ["data:text/plain,hi", 'username', "me", "data:text/plain,hi"],
  ["data:text/plain,hi", 'username', "a b:c@d", "data:text/plain,hi"],
  ["data:text/plain,hi", 'username', "é", "data:text/plain,hi"],
  ["data:text/plain,hi", 'username', "", "data:text/plain,hi"],
  ["data:text/plain,hi", 'password', "secret", "data:text/plain,hi"],
  ["data:text/plain,hi", 'password', "a:b", "data:text/plain,hi"],
  ["data:text/plain,hi", 'password', "", "data:text/plain,hi"],
  ["data:text/plain,hi", 'host', "example.com", "data:text/plain,hi"],
  ["data:text/plain,hi", 'host', "example.com:8080", "data:text/plain,hi"],
  ["data:text/plain,hi", 'host', "example.com:65536", "data:text/plain,hi"],
  ["data:text/plain,hi", 'host', "example.com:8080stuff", "data:text/plain,hi"],
  ["data:text/plain,hi", 'host', ":8080", "data:text/plain,hi"],
  ["data:text/plain,hi", 'host', "", "data:text/plain,hi"],
  ["data:text/plain,hi", 'host', "[::1]:3", "data:text/plain,hi"],
  ["data:text/plain,hi", 'host', "x/y", "data:text/plain,hi"],
  ["data:text/plain,hi", 'host', "x?y", "data:text/plain,hi"],
  ["data:text/plain,hi", 'host', "x#y", "data:text/plain,hi"],
  ["data:text/plain,hi", 'host', "a b", "data:text/plain,hi"],
  ["data:text/plain,hi", 'host', "0x7f.1", "data:text/plain,hi"],
  ["data:text/plain,hi", 'host', "localhost", "data:text/plain,hi"],
  ["data:text/plain,hi", 'host', "ÉX.com", "data:text/plain,hi"],
  ["data:text/plain,hi", 'hostname', "example.com", "data:text/plain,hi"],
  ["data:text/plain,hi", 'hostname', "example.com:8080", "data:text/plain,hi"],
  ["data:text/plain,hi", 'hostname', "", "data:text/plain,hi"],
  ["data:text/plain,hi", 'hostname', "[::1]", "data:text/plain,hi"],
  ["data:text/plain,hi", 'hostname', "x/y", "data:text/plain,hi"],
  ["data:text/plain,hi", 'hostname', "localhost", "data:text/plain,hi"],
  ["data:text/plain,hi", 'hostname', "127.1", "data:text/plain,hi"],
  ["data:text/plain,hi", 'port', "8080", "data:text/plain,hi"],
  ["data:text/plain,hi", 'port', "80", "data:text/plain,hi"],
  ["data:text/plain,hi", 'port', "443", "data:text/plain,hi"],
  ["data:text/plain,hi", 'port', "", "data:text/plain,hi"],
  ["data:text/plain,hi", 'port', "abc", "data:text/plain,hi"],
  ["data:text/plain,hi", 'port', "12abc", "data:text/plain,hi"],
  ["data:text/plain,hi", 'port', "65536", "data:text/plain,hi"],
  ["data:text/plain,hi", 'port', "0", "data:text/plain,hi"],
  ["data:text/plain,hi", 'pathname', "/foo", "data:text/plain,hi"],
  ["data:text/plain,hi", 'pathname', "foo", "data:text/plain,hi"],
  ["data:text/plain,hi", 'pathname', "a b?c#d", "data:text/plain,hi"],
  ["data:text/plain,hi", 'pathname', "../x", "data:text/plain,hi"],
  ["data:text/plain,hi", 'pathname', "/./y/../z", "data:text/plain,hi"],
  ["data:text/plain,hi", 'pathname', "\\a\\b", "data:text/plain,hi"],
  ["data:text/plain,hi", 'pathname', "//x", "data:text/plain,hi"],
  ["data:text/plain,hi", 'pathname', "", "data:text/plain,hi"],
  ["data:text/plain,hi", 'pathname', "%2e%2E/q", "data:text/plain,hi"],
  ["data:text/plain,hi", 'pathname', "C|/x", "data:text/plain,hi"],
  ["data:text/plain,hi", 'search', "?a=b", "data:text/plain,hi?a=b"],
  ["data:text/plain,hi", 'search', "a=b c", "data:text/plain,hi?a=b%20c"],
  ["data:text/plain,hi", 'search', "", "data:text/plain,hi"],
  ["data:text/plain,hi", 'search', "?", "data:text/plain,hi?"],
  ["data:text/plain,hi", 'search', "#x", "data:text/plain,hi?%23x"],
  ["data:text/plain,hi", 'search', "q='", "data:text/plain,hi?q='"],
  ["data:text/plain,hi", 'hash', "#x", "data:text/plain,hi#x"],
  ["data:text/plain,hi", 'hash', "y z", "data:text/plain,hi#y%20z"],
  ["data:text/plain,hi", 'hash', "", "data:text/plain,hi"],
  ["data:text/plain,hi", 'hash', "#", "data:text/plain,hi#"],
  ["data:text/plain,hi", 'hash', "##", "data:text/plain,hi##"],
  ["data:text/plain,hi", 'hash', "`<>", "data:text/plain,hi#%60%3C%3E"],
  ["non-spec:/.//p", 'protocol', "https", "non-spec:/.//p"],
  ["non-spec:/.//p", 'protocol', "HTTP", "non-spec:/.//p"],
  ["non-spec:/.//p", 'protocol', "ftp:", "non-spec:/.//p"],
  ["non-spec:/.//p", 'protocol', "wss", "non-spec:/.//p"],
  ["non-spec:/.//p", 'protocol', "file", "non-spec:/.//p"],
  ["non-spec:/.//p", 'protocol', "sc", "sc:/.//p"],
  ["non-spec:/.//p", 'protocol', "a b", "non-spec:/.//p"],
  ["non-spec:/.//p", 'protocol', "1x", "non-spec:/.//p"],
  ["non-spec:/.//p", 'protocol', "http:foo", "non-spec:/.//p"],
  ["non-spec:/.//p", 'protocol', "", "non-spec:/.//p"],
  ["non-spec:/.//p", 'username', "me", "non-spec:/.//p"],
  ["non-spec:/.//p", 'username', "a b:c@d", "non-spec:/.//p"],
  ["non-spec:/.//p", 'username', "é", "non-spec:/.//p"],
  ["non-spec:/.//p", 'username', "", "non-spec:/.//p"],
  ["non-spec:/.//p", 'password', "secret", "non-spec:/.//p"],
  ["non-spec:/.//p", 'password', "a:b", "non-spec:/.//p"],
  ["non-spec:/.//p", 'password', "", "non-spec:/.//p"],
  ["non-spec:/.//p", 'host', "example.com", "non-spec://example.com//p"],
  ["non-spec:/.//p", 'host', "example.com:8080", "non-spec://example.com:8080//p"],
  ["non-spec:/.//p", 'host', "example.com:65536", "non-spec://example.com//p"],
  ["non-spec:/.//p", 'host', "example.com:8080stuff", "non-spec://example.com:8080//p"],
  ["non-spec:/.//p", 'host', ":8080", "non-spec:/.//p"],
  ["non-spec:/.//p", 'host', "", "non-spec:////p"],
  ["non-spec:/.//p", 'host', "[::1]:3", "non-spec://[::1]:3//p"],
  ["non-spec:/.//p", 'host', "x/y", "non-spec://x//p"],
  ["non-spec:/.//p", 'host', "x?y", "non-spec://x//p"],
  ["non-spec:/.//p", 'host', "x#y", "non-spec://x//p"],
  ["non-spec:/.//p", 'host', "a b", "non-spec:/.//p"],
  ["non-spec:/.//p", 'host', "0x7f.1", "non-spec://0x7f.1//p"],
  ["non-spec:/.//p", 'host', "localhost", "non-spec://localhost//p"],
  ["non-spec:/.//p", 'host', "ÉX.com", "non-spec://%C3%89X.com//p"],
  ["non-spec:/.//p", 'hostname', "example.com", "non-spec://example.com//p"],
  ["non-spec:/.//p", 'hostname', "example.com:8080", "non-spec:/.//p"],
  ["non-spec:/.//p", 'hostname', "", "non-spec:////p"],
  ["non-spec:/.//p", 'hostname', "[::1]", "non-spec://[::1]//p"],
  ["non-spec:/.//p", 'hostname', "x/y", "non-spec://x//p"],
  ["non-spec:/.//p", 'hostname', "localhost", "non-spec://localhost//p"],
  ["non-spec:/.//p", 'hostname', "127.1", "non-spec://127.1//p"],
  ["non-spec:/.//p", 'port', "8080", "non-spec:/.//p"],
  ["non-spec:/.//p", 'port', "80", "non-spec:/.//p"],
  ["non-spec:/.//p", 'port', "443", "non-spec:/.//p"],
  ["non-spec:/.//p", 'port', "", "non-spec:/.//p"],
  ["non-spec:/.//p", 'port', "abc", "non-spec:/.//p"],
  ["non-spec:/.//p", 'port', "12abc", "non-spec:/.//p"],
  ["non-spec:/.//p", 'port', "65536", "non-spec:/.//p"],
  ["non-spec:/.//p", 'port', "0", "non-spec:/.//p"],
  ["non-spec:/.//p", 'pathname', "/foo", "non-spec:/foo"],
  ["non-spec:/.//p", 'pathname', "foo", "non-spec:/foo"],
  ["non-spec:/.//p", 'pathname', "a b?c#d", "non-spec:/a%20b%3Fc%23d"],
  ["non-spec:/.//p", 'pathname', "../x", "non-spec:/x"],
  ["non-spec:/.//p", 'pathname', "/./y/../z", "non-spec:/z"],
  ["non-spec:/.//p", 'pathname', "\\a\\b", "non-spec:/\\a\\b"],
  ["non-spec:/.//p", 'pathname', "//x", "non-spec:/.//x"],
  ["non-spec:/.//p", 'pathname', "", "non-spec:/"],
  ["non-spec:/.//p", 'pathname', "%2e%2E/q", "non-spec:/q"],
  ["non-spec:/.//p", 'pathname', "C|/x", "non-spec:/C|/x"],
  ["non-spec:/.//p", 'search', "?a=b", "non-spec:/.//p?a=b"],
  ["non-spec:/.//p", 'search', "a=b c", "non-spec:/.//p?a=b%20c"],
  ["non-spec:/.//p", 'search', "", "non-spec:/.//p"],
  ["non-spec:/.//p", 'search', "?", "non-spec:/.//p?"],
  ["non-spec:/.//p", 'search', "#x", "non-spec:/.//p?%23x"],
  ["non-spec:/.//p", 'search', "q='", "non-spec:/.//p?q='"],
  ["non-spec:/.//p", 'hash', "#x", "non-spec:/.//p#x"],
  ["non-spec:/.//p", 'hash', "y z", "non-spec:/.//p#y%20z"],
  ["non-spec:/.//p", 'hash', "", "non-spec:/.//p"],
  ["non-spec:/.//p", 'hash', "#", "non-spec:/.//p#"],
  ["non-spec:/.//p", 'hash', "##", "non-spec:/.//p##"],
  ["non-spec:/.//p", 'hash', "`<>", "non-spec:/.//p#%60%3C%3E"],
];
