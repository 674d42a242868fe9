import { assert, assertEquals, assertDeepEquals, assertThrows } from './assert.js';

const entries = (headers) => [...headers];

export function constructsEmpty() {
  assertDeepEquals(entries(new Headers()), []);
  assertDeepEquals(entries(new Headers(undefined)), []);
  assertDeepEquals(entries(new Headers({})), []);
  assertDeepEquals(entries(new Headers([])), []);
}

export function constructsFromRecord() {
  const h = new Headers({ 'Content-Type': 'text/html', 'X-Num': 5 });
  assertEquals(h.get('content-type'), 'text/html');
  assertEquals(h.get('x-num'), '5');
  assertDeepEquals(entries(h), [['content-type', 'text/html'], ['x-num', '5']]);
}

export function recordIgnoresNonEnumerableAndInherited() {
  const proto = { inherited: 'x' };
  const init = Object.create(proto);
  Object.defineProperty(init, 'hidden', { value: 'y', enumerable: false });
  init.shown = 'z';
  assertDeepEquals(entries(new Headers(init)), [['shown', 'z']]);
}

export function recordWithSymbolKeyThrows() {
  assertThrows(() => new Headers({ [Symbol('s')]: 'v' }), TypeError);
}

export function constructsFromPairs() {
  const h = new Headers([['A', '1'], ['b', '2'], ['a', '3']]);
  assertEquals(h.get('a'), '1, 3');
  assertDeepEquals(entries(h), [['a', '1, 3'], ['b', '2']]);
}

export function constructsFromIterableOfIterables() {
  const pairs = new Map([['x', 'y']]);
  assertEquals(new Headers(pairs).get('x'), 'y');
  function* gen() {
    yield new Set(['k', 'v']);
  }
  assertEquals(new Headers(gen()).get('k'), 'v');
}

export function constructsFromHeaders() {
  const a = new Headers([['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['x', '1']]);
  const b = new Headers(a);
  a.set('x', '2');
  assertEquals(b.get('x'), '1');
  assertDeepEquals(b.getSetCookie(), ['a=1', 'b=2']);
}

export function badInitThrows() {
  assertThrows(() => new Headers(null), TypeError);
  assertThrows(() => new Headers('a: b'), TypeError);
  assertThrows(() => new Headers(42), TypeError);
  assertThrows(() => new Headers([['a']]), TypeError);
  assertThrows(() => new Headers([['a', 'b', 'c']]), TypeError);
  assertThrows(() => new Headers(['ab']), TypeError);
  assertThrows(() => new Headers([[]]), TypeError);
  assertThrows(() => new Headers({ [Symbol.iterator]: 5 }), TypeError);
}

export function namesAreLowercasedAndCaseInsensitive() {
  const h = new Headers();
  h.append('X-Custom-Header', 'v');
  assert(h.has('x-custom-header'));
  assert(h.has('X-CUSTOM-HEADER'));
  assertEquals(h.get('X-Custom-HEADER'), 'v');
  assertDeepEquals([...h.keys()], ['x-custom-header']);
}

export function invalidNamesThrow() {
  const h = new Headers();
  for (const name of ['', 'a b', 'a:b', 'a\nb', 'ä', '(x)', 'a/b', 'a"b', '\u0100']) {
    assertThrows(() => h.append(name, 'v'), TypeError);
    assertThrows(() => h.set(name, 'v'), TypeError);
    assertThrows(() => h.get(name), TypeError);
    assertThrows(() => h.has(name), TypeError);
    assertThrows(() => h.delete(name), TypeError);
  }
  assertThrows(() => new Headers({ 'bad name': 'v' }), TypeError);
  assertThrows(() => new Headers([['bad name', 'v']]), TypeError);
}

export function tokenCharactersAreAccepted() {
  const name = "!#$%&'*+-.^_`|~09azAZ";
  const h = new Headers([[name, 'v']]);
  assertEquals(h.get(name), 'v');
}

export function valuesAreNormalized() {
  const h = new Headers();
  h.append('a', '  x  ');
  h.append('b', '\t\r\n y \n');
  h.set('c', 'in  ner\tspace');
  h.append('d', '');
  h.append('e', '   ');
  assertEquals(h.get('a'), 'x');
  assertEquals(h.get('b'), 'y');
  assertEquals(h.get('c'), 'in  ner\tspace');
  assertEquals(h.get('d'), '');
  assertEquals(h.get('e'), '');
  assertEquals(new Headers({ f: ' z ' }).get('f'), 'z');
}

export function invalidValuesThrow() {
  const h = new Headers();
  for (const value of ['a\nb', 'a\rb', 'a\0b', 'a\r\nb', '\0', 'x\u0100', '\u{1F600}']) {
    assertThrows(() => h.append('a', value), TypeError);
    assertThrows(() => h.set('a', value), TypeError);
  }
  assertThrows(() => new Headers({ a: 'x\ny' }), TypeError);
  assertEquals(entries(h).length, 0);
}

export function latin1ValuesAreAllowed() {
  const h = new Headers({ a: 'caf\u00e9 \u00ff' });
  assertEquals(h.get('a'), 'caf\u00e9 \u00ff');
}

export function valuesAreStringified() {
  const h = new Headers();
  h.append('n', 12);
  h.append('o', { toString: () => 'obj' });
  h.append('u', undefined);
  h.append('z', null);
  assertEquals(h.get('n'), '12');
  assertEquals(h.get('o'), 'obj');
  assertEquals(h.get('u'), 'undefined');
  assertEquals(h.get('z'), 'null');
  assertThrows(() => h.append('s', Symbol('x')), TypeError);
}

export function getCombinesAndMissingIsNull() {
  const h = new Headers();
  assertEquals(h.get('nothing'), null);
  h.append('accept', 'a');
  h.append('Accept', 'b');
  h.append('accept', '');
  assertEquals(h.get('accept'), 'a, b, ');
}

export function setReplacesAllValues() {
  const h = new Headers([['a', '1'], ['b', '2'], ['a', '3']]);
  h.set('A', '9');
  assertEquals(h.get('a'), '9');
  assertDeepEquals(entries(h), [['a', '9'], ['b', '2']]);
  h.set('new', 'n');
  assertEquals(h.get('new'), 'n');
}

export function deleteRemovesAll() {
  const h = new Headers([['a', '1'], ['b', '2'], ['a', '3']]);
  h.delete('A');
  assertEquals(h.has('a'), false);
  assertEquals(h.get('a'), null);
  assertDeepEquals(entries(h), [['b', '2']]);
  h.delete('missing');
  assertDeepEquals(entries(h), [['b', '2']]);
}

export function noForbiddenHeaderNames() {
  const h = new Headers();
  for (const name of ['host', 'content-length', 'cookie', 'set-cookie', 'connection', 'origin', 'referer',
    'proxy-authorization', 'sec-fetch-mode', 'transfer-encoding']) {
    h.set(name, 'v');
    assertEquals(h.get(name), 'v', name);
  }
}

export function iterationIsSortedAndCombined() {
  const h = new Headers();
  h.append('z', '1');
  h.append('B', '2');
  h.append('a', '3');
  h.append('b', '4');
  assertDeepEquals(entries(h), [['a', '3'], ['b', '2, 4'], ['z', '1']]);
  assertDeepEquals([...h.keys()], ['a', 'b', 'z']);
  assertDeepEquals([...h.values()], ['3', '2, 4', '1']);
  assertDeepEquals([...h.entries()], [['a', '3'], ['b', '2, 4'], ['z', '1']]);
}

export function setCookieIsKeptSeparate() {
  const h = new Headers();
  h.append('Set-Cookie', 'a=1; Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT');
  h.append('x', 'y');
  h.append('set-cookie', 'b=2');
  h.append('accept', '*/*');
  assertDeepEquals(entries(h), [
    ['accept', '*/*'],
    ['set-cookie', 'a=1; Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT'],
    ['set-cookie', 'b=2'],
    ['x', 'y'],
  ]);
  assertDeepEquals(h.getSetCookie(), ['a=1; Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT', 'b=2']);
  assertEquals(h.get('set-cookie'), 'a=1; Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT, b=2');
  assertDeepEquals(new Headers().getSetCookie(), []);
  h.set('set-cookie', 'c=3');
  assertDeepEquals(h.getSetCookie(), ['c=3']);
}

export function getAllIsWorkersSetCookieOnly() {
  const h = new Headers([['set-cookie', 'a=1'], ['set-cookie', 'b=2']]);
  assertDeepEquals(h.getAll('Set-Cookie'), ['a=1', 'b=2']);
  assertThrows(() => h.getAll('x'), TypeError);
}

export function forEachPassesValueNameHeaders() {
  const h = new Headers([['b', '2'], ['a', '1']]);
  const seen = [];
  const self = {};
  h.forEach(function (value, name, headers) {
    assertEquals(this, self);
    assertEquals(headers, h);
    seen.push([name, value]);
  }, self);
  assertDeepEquals(seen, [['a', '1'], ['b', '2']]);
  assertThrows(() => h.forEach(), TypeError);
  assertThrows(() => h.forEach('nope'), TypeError);
}

export function forEachSeesMutations() {
  const h = new Headers([['a', '1'], ['c', '3']]);
  const seen = [];
  h.forEach((value, name) => {
    if (name === 'a') h.append('b', '2');
    seen.push(name);
  });
  assertDeepEquals(seen, ['a', 'b', 'c']);
}

export function iteratorIsLive() {
  const h = new Headers([['a', '1'], ['c', '3']]);
  const it = h.keys();
  assertDeepEquals(it.next(), { value: 'a', done: false });
  h.append('b', '2');
  assertDeepEquals(it.next(), { value: 'b', done: false });
  assertDeepEquals(it.next(), { value: 'c', done: false });
  assertDeepEquals(it.next(), { done: true });
  assertEquals(it.next().value, undefined);
}

export function iteratorShape() {
  const h = new Headers();
  const it = h.entries();
  assertEquals(Object.prototype.toString.call(it), '[object Headers Iterator]');
  assertEquals(it[Symbol.iterator](), it);
  const iteratorProto = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  assertEquals(Object.getPrototypeOf(Object.getPrototypeOf(it)), iteratorProto);
  assertThrows(() => Object.getPrototypeOf(it).next.call({}), TypeError);
}

export function interfaceShape() {
  assertEquals(Headers.prototype[Symbol.iterator], Headers.prototype.entries);
  assertEquals(Object.prototype.toString.call(new Headers()), '[object Headers]');
  assertEquals(typeof globalThis.Headers, 'function');
  assertEquals(Object.getOwnPropertyDescriptor(globalThis, 'Headers').enumerable, false);
  assertEquals(Headers.prototype.append.length, 2);
  assertEquals(Headers.prototype.get.length, 1);
  assertEquals(Headers.length, 0);
  assertThrows(() => Headers(), TypeError);
}

export function missingArgumentsThrow() {
  const h = new Headers();
  assertThrows(() => h.append('a'), TypeError);
  assertThrows(() => h.set('a'), TypeError);
  assertThrows(() => h.get(), TypeError);
  assertThrows(() => h.has(), TypeError);
  assertThrows(() => h.delete(), TypeError);
}

export function brandChecks() {
  assertThrows(() => Headers.prototype.get.call({}, 'a'), TypeError);
  assertThrows(() => Headers.prototype.append.call({}, 'a', 'b'), TypeError);
  assertThrows(() => Headers.prototype.keys.call({}), TypeError);
}

export function immutableHeadersRejectChanges() {
  const h = Response.redirect('https://example.com/', 301).headers;
  const error = assertThrows(() => h.set('x', 'y'), TypeError);
  assertEquals(error.message, "Can't modify immutable headers.");
  assertThrows(() => h.append('x', 'y'), TypeError);
  assertThrows(() => h.delete('location'), TypeError);
  assertEquals(h.get('location'), 'https://example.com/');
  // Reads still work and a copy is mutable.
  const copy = new Headers(h);
  copy.set('x', 'y');
  assertEquals(copy.get('x'), 'y');
  assertThrows(() => Response.error().headers.append('a', 'b'), TypeError);
}

export function subclassesWork() {
  class MyHeaders extends Headers {
    extra() {
      return this.get('a');
    }
  }
  const h = new MyHeaders({ a: 'b' });
  assertEquals(h.extra(), 'b');
  assert(h instanceof Headers);
}

export function iteratorPrototypeFollowsWebIdl() {
  const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  for (const it of [new Headers().keys(), new Headers().values(), new Headers().entries()]) {
    const prototype = Object.getPrototypeOf(it);
    assertEquals(Object.getPrototypeOf(prototype), iteratorPrototype);
    const next = Object.getOwnPropertyDescriptor(prototype, 'next');
    assert(next.configurable && next.enumerable && next.writable, 'next is configurable, enumerable and writable');
    assertEquals(Object.prototype.toString.call(it), '[object Headers Iterator]');
  }
  const h = new Headers({ b: '2', a: '1' });
  assertDeepEquals([...h.keys()], ['a', 'b']);
}
