import { assert, assertEquals, assertThrows } from './assert.js';

export function namedGroupsInThePathname() {
  const pattern = new URLPattern({ pathname: '/books/:id' });
  const match = pattern.exec('https://example.com/books/123');
  assertEquals(match.pathname.input, '/books/123');
  assertEquals(match.pathname.groups.id, '123');
  assertEquals(match.hostname.groups['0'], 'example.com');
  assertEquals(match.inputs[0], 'https://example.com/books/123');
  assert(pattern.test('https://other.test/books/x'), 'any host matches a pattern without one');
  assert(!pattern.test('https://example.com/books/1/2'), 'a segment group stops at /');
  assert(!pattern.test('https://example.com/books/'), 'a segment group needs at least one character');
}

export function componentsNotGivenAreWildcards() {
  const pattern = new URLPattern({ pathname: '/x' });
  for (const name of ['protocol', 'username', 'password', 'hostname', 'port', 'search', 'hash']) {
    assertEquals(pattern[name], '*', name);
  }
  assertEquals(pattern.pathname, '/x');
  assertEquals(pattern.hasRegExpGroups, false);
}

export function aConstructorStringSplitsIntoComponents() {
  const pattern = new URLPattern('https://example.com:8080/foo/:bar/end?q=1#top');
  assertEquals(pattern.protocol, 'https');
  assertEquals(pattern.hostname, 'example.com');
  assertEquals(pattern.port, '8080');
  assertEquals(pattern.pathname, '/foo/:bar/end');
  assertEquals(pattern.search, 'q=1');
  assertEquals(pattern.hash, 'top');
  assert(pattern.test('https://example.com:8080/foo/baz/end?q=1#top'), 'the URL it describes matches');
  assert(!pattern.test('https://example.com/foo/baz/end?q=1#top'), 'another port does not');
  // After a group, "?" is its modifier; an escaped one starts the search.
  assertEquals(new URLPattern('https://example.com/:id?x').pathname, '/:id?x');
  assertEquals(new URLPattern('https://example.com/:id\\?x').search, 'x');
}

export function theDefaultPortIsDropped() {
  assertEquals(new URLPattern('https://example.com:443/').port, '');
  assertEquals(new URLPattern({ protocol: 'http', port: '80' }).port, '');
  assertEquals(new URLPattern({ protocol: 'http', port: '8080' }).port, '8080');
}

export function wildcardsModifiersAndGroups() {
  const star = new URLPattern({ pathname: '/files/*' });
  assertEquals(star.exec({ pathname: '/files/a/b/c.txt' }).pathname.groups['0'], 'a/b/c.txt');

  const optional = new URLPattern({ pathname: '/product/:id?' });
  assert(optional.test({ pathname: '/product' }), 'an optional group may be absent with its prefix');
  assertEquals(optional.exec({ pathname: '/product' }).pathname.groups.id, undefined);
  assertEquals(optional.exec({ pathname: '/product/7' }).pathname.groups.id, '7');

  const repeated = new URLPattern({ pathname: '/tags/:tag+' });
  assertEquals(repeated.exec({ pathname: '/tags/a/b/c' }).pathname.groups.tag, 'a/b/c');
  assert(!repeated.test({ pathname: '/tags' }), 'one or more');
  const any = new URLPattern({ pathname: '/tags/:tag*' });
  assert(any.test({ pathname: '/tags' }), 'zero or more');

  const grouped = new URLPattern({ pathname: '/blog{/:year}?/post' });
  assert(grouped.test({ pathname: '/blog/post' }), 'a group with its prefix left out');
  assertEquals(grouped.exec({ pathname: '/blog/2024/post' }).pathname.groups.year, '2024');
  // A group whose prefix is the delimiter needs no braces in the normalized pattern.
  assertEquals(grouped.pathname, '/blog/:year?/post');
  assertEquals(new URLPattern({ pathname: '/blog{-:year}?' }).pathname, '/blog{-:year}?');
}

export function customRegularExpressions() {
  const digits = new URLPattern({ pathname: '/order/:id(\\d+)' });
  assert(digits.hasRegExpGroups, 'a custom regular expression is reported');
  assert(digits.test({ pathname: '/order/42' }), 'digits match');
  assert(!digits.test({ pathname: '/order/abc' }), 'letters do not');
  assertEquals(digits.pathname, '/order/:id(\\d+)');
  const unnamed = new URLPattern({ pathname: '/(\\w+)/(\\d+)' });
  const groups = unnamed.exec({ pathname: '/page/3' }).pathname.groups;
  assertEquals(groups['0'], 'page');
  assertEquals(groups['1'], '3');
}

export function relativePatternsNeedABase() {
  const pattern = new URLPattern('/books/:id', 'https://example.com');
  assertEquals(pattern.protocol, 'https');
  assertEquals(pattern.hostname, 'example.com');
  assertEquals(pattern.pathname, '/books/:id');
  assertThrows(() => new URLPattern('/books/:id'), TypeError);
  assertThrows(() => new URLPattern({ pathname: '/x' }, 'https://example.com'), TypeError);
}

export function matchingAgainstABaseURL() {
  const pattern = new URLPattern({ pathname: '/api/:version/*' });
  const match = pattern.exec('/api/v2/users', 'https://example.com');
  assertEquals(match.pathname.groups.version, 'v2');
  assertEquals(match.inputs.length, 2);
  assertEquals(pattern.exec('not a url'), null);
}

export function ignoreCase() {
  const pattern = new URLPattern({ pathname: '/About' }, { ignoreCase: true });
  assert(pattern.test({ pathname: '/about' }), 'ignoreCase matches other case');
  assert(!new URLPattern({ pathname: '/About' }).test({ pathname: '/about' }), 'case matters by default');
}

export function fixedTextIsCanonicalizedLikeAURL() {
  const pattern = new URLPattern({ pathname: '/caf\u00e9 x' });
  assertEquals(pattern.pathname, '/caf%C3%A9%20x');
  assert(pattern.test('https://example.com/caf\u00e9 x'), 'the URL is encoded the same way');
  assertEquals(new URLPattern({ protocol: 'HTTPS' }).protocol, 'https');
}

export function badPatternsAreTypeErrors() {
  assertThrows(() => new URLPattern({ pathname: '/:id/:id' }), TypeError);
  assertThrows(() => new URLPattern({ pathname: '/(foo' }), TypeError);
  assertThrows(() => new URLPattern({ pathname: '/((a))' }), TypeError);
  assertThrows(() => new URLPattern({ pathname: '/()' }), TypeError);
  assertThrows(() => new URLPattern({ pathname: '/:' }), TypeError);
  assertThrows(() => new URLPattern({ pathname: '/{a' }), TypeError);
  assertThrows(() => new URLPattern({ pathname: '/(?x)' }), TypeError);
  assertThrows(() => new URLPattern({ pathname: '/([)' }), TypeError);
  assertThrows(() => new URLPattern({ port: 'eighty' }), TypeError);
  assertThrows(() => new URLPattern(42), TypeError);
}

export function escapesKeepSpecialCharactersLiteral() {
  const pattern = new URLPattern({ pathname: '/a\\:b\\*' });
  assert(pattern.test({ pathname: '/a:b*' }), 'escaped characters are text');
  assert(!pattern.test({ pathname: '/a:bzz' }), 'not wildcards');
}

export function hostnameGroupsAndSearch() {
  const pattern = new URLPattern({ hostname: ':tenant.example.com', search: 'page=:n' });
  const match = pattern.exec('https://acme.example.com/?page=3');
  assertEquals(match.hostname.groups.tenant, 'acme');
  assertEquals(match.search.groups.n, '3');
  assert(!pattern.test('https://a.b.example.com/?page=3'), 'a hostname group stops at a dot');
}

export function hostileInputsFailAsTypeErrorsOrTheirOwnErrors() {
  const boom = new Error('boom');
  const hostile = { get pathname() { throw boom; } };
  let caught;
  try { new URLPattern(hostile); } catch (e) { caught = e; }
  assertEquals(caught, boom);
  assertThrows(() => new URLPattern({ pathname: Symbol('s') }), TypeError);
  assertThrows(() => new URLPattern(Symbol('s')), TypeError);
  assertThrows(() => new URLPattern({ pathname: '(' }), TypeError);
  assertThrows(() => new URLPattern({ pathname: '/:a/:a' }), TypeError);
  const pattern = new URLPattern({ pathname: '/x/:id' });
  assertEquals(pattern.test({ get pathname() { return '/x/1'; } }), true);
  assertThrows(() => pattern.exec(Symbol('s')), TypeError);
}

export function patchedBuiltInsDoNotChangeMatching() {
  const exec = RegExp.prototype.exec;
  const test = RegExp.prototype.test;
  const replace = String.prototype.replace;
  const push = Array.prototype.push;
  try {
    RegExp.prototype.exec = () => null;
    RegExp.prototype.test = () => false;
    String.prototype.replace = () => 'patched';
    Array.prototype.push = () => { throw new Error('patched push'); };
    const pattern = new URLPattern({ hostname: '{:sub.}?example.com', pathname: '/books/:id' });
    const match = pattern.exec('https://www.example.com/books/7');
    assertEquals(match.pathname.groups.id, '7');
    assertEquals(match.hostname.groups.sub, 'www');
  } finally {
    RegExp.prototype.exec = exec;
    RegExp.prototype.test = test;
    String.prototype.replace = replace;
    Array.prototype.push = push;
  }
}

export function groupNamesAreIdentifiersAndHostnamesAreDomains() {
  // A name is a JavaScript identifier, in any script; an emoji or a lone surrogate is not one.
  assertEquals(new URLPattern({ pathname: '/:café/:名前/:$x_1' }).exec({ pathname: '/a/b/c' }).pathname.groups['名前'], 'b');
  assertThrows(() => new URLPattern({ pathname: '/:🚲' }), TypeError);
  assertThrows(() => new URLPattern({ pathname: '/:\ud83d' }), TypeError);
  // A hostname is parsed as a domain (as in a dummy https: URL), whatever the protocol.
  assertThrows(() => new URLPattern({ hostname: 'bad%hostname' }), TypeError);
  assertThrows(() => new URLPattern({ protocol: 'git', hostname: 'bad%hostname' }), TypeError);
  assertEquals(new URLPattern({ hostname: 'EXAMPLE.com' }).hostname, 'example.com');
}
