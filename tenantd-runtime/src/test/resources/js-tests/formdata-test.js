import { assert, assertEquals, assertDeepEquals, assertThrows, assertRejects } from './assert.js';

const enc = new TextEncoder();

function multipartResponse(text, boundary = 'XyZ') {
  return new Response(text, { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
}

export function constructorTakesNoForm() {
  const fd = new FormData();
  assertDeepEquals([...fd], []);
  new FormData(undefined);
  assertThrows(() => new FormData({}), TypeError);
  assertThrows(() => new FormData(null), TypeError);
  assertThrows(() => FormData(), TypeError);
}

export function appendGetGetAllHas() {
  const fd = new FormData();
  fd.append('a', '1');
  fd.append('b', '2');
  fd.append('a', '3');
  assertEquals(fd.get('a'), '1');
  assertDeepEquals(fd.getAll('a'), ['1', '3']);
  assertEquals(fd.get('missing'), null);
  assertDeepEquals(fd.getAll('missing'), []);
  assert(fd.has('b'));
  assert(!fd.has('B'), 'names are case-sensitive');
}

export function setReplacesFirstInPlace() {
  const fd = new FormData();
  fd.append('a', '1');
  fd.append('b', '2');
  fd.append('a', '3');
  fd.set('a', '9');
  assertDeepEquals([...fd], [['a', '9'], ['b', '2']]);
  fd.set('c', '4');
  assertDeepEquals([...fd], [['a', '9'], ['b', '2'], ['c', '4']]);
}

export function deleteRemovesAll() {
  const fd = new FormData();
  fd.append('a', '1');
  fd.append('b', '2');
  fd.append('a', '3');
  fd.delete('a');
  assertDeepEquals([...fd], [['b', '2']]);
}

export function valuesAreUsvStrings() {
  const fd = new FormData();
  fd.append('n', 1);
  fd.append('o', { toString: () => 'obj' });
  fd.append('lone\uD800', 'x\uDC00y');
  assertEquals(fd.get('n'), '1');
  assertEquals(fd.get('o'), 'obj');
  assertEquals(fd.get('lone\uFFFD'), 'x\uFFFDy');
  assertThrows(() => fd.append(Symbol('s'), 'v'), TypeError);
}

export async function blobBecomesFileNamedBlob() {
  const fd = new FormData();
  fd.append('b', new Blob(['abc'], { type: 'text/x-test' }));
  const file = fd.get('b');
  assert(file instanceof File, 'a File');
  assertEquals(file.name, 'blob');
  assertEquals(file.type, 'text/x-test');
  assertEquals(await file.text(), 'abc');
}

export async function filenameMakesNewFile() {
  const fd = new FormData();
  const original = new File(['data'], 'orig.txt', { type: 'text/plain', lastModified: 1234 });
  fd.append('same', original);
  fd.append('renamed', original, 'new.txt');
  fd.set('blob', new Blob(['x']), 'b.bin');
  assertEquals(fd.get('same'), original);
  const renamed = fd.get('renamed');
  assert(renamed !== original);
  assertEquals(renamed.name, 'new.txt');
  assertEquals(renamed.type, 'text/plain');
  assertEquals(renamed.lastModified, 1234);
  assertEquals(await renamed.text(), 'data');
  assertEquals(fd.get('blob').name, 'b.bin');
}

export function threeArgumentsNeedABlob() {
  const fd = new FormData();
  assertThrows(() => fd.append('a', 'string', 'name.txt'), TypeError);
  assertThrows(() => fd.set('a', 'string', 'name.txt'), TypeError);
}

export function missingArgumentsThrow() {
  const fd = new FormData();
  assertThrows(() => fd.append('a'), TypeError);
  assertThrows(() => fd.set('a'), TypeError);
  assertThrows(() => fd.get(), TypeError);
  assertThrows(() => fd.getAll(), TypeError);
  assertThrows(() => fd.has(), TypeError);
  assertThrows(() => fd.delete(), TypeError);
}

export function iterationInInsertionOrder() {
  const fd = new FormData();
  fd.append('z', '1');
  fd.append('a', '2');
  fd.append('z', '3');
  assertDeepEquals([...fd.keys()], ['z', 'a', 'z']);
  assertDeepEquals([...fd.values()], ['1', '2', '3']);
  assertDeepEquals([...fd.entries()], [['z', '1'], ['a', '2'], ['z', '3']]);
  const seen = [];
  fd.forEach((value, name, self) => {
    assertEquals(self, fd);
    seen.push(name + value);
  });
  assertDeepEquals(seen, ['z1', 'a2', 'z3']);
  assertThrows(() => fd.forEach(null), TypeError);
}

export function iteratorIsLiveAndShaped() {
  const fd = new FormData();
  fd.append('a', '1');
  const it = fd.keys();
  fd.append('b', '2');
  assertEquals(it.next().value, 'a');
  assertEquals(it.next().value, 'b');
  assertEquals(it.next().done, true);
  assertEquals(Object.prototype.toString.call(it), '[object FormData Iterator]');
  assertEquals(it[Symbol.iterator](), it);
  assertEquals(FormData.prototype[Symbol.iterator], FormData.prototype.entries);
  assertEquals(Object.prototype.toString.call(fd), '[object FormData]');
}

export function brandChecks() {
  assertThrows(() => FormData.prototype.get.call({}, 'a'), TypeError);
  assertThrows(() => FormData.prototype.append.call(new Headers(), 'a', 'b'), TypeError);
}

export async function multipartRoundTrip() {
  const binary = new Uint8Array([0, 1, 2, 13, 10, 45, 45, 255, 13, 10, 13, 10, 254]);
  const fd = new FormData();
  fd.append('text', 'hello world');
  fd.append('unicode ☃', 'snow ☃ \u{1F600}');
  fd.append('file', new Blob([binary], { type: 'application/x-bin' }), 'data.bin');
  fd.append('empty', '');
  fd.append('emptyFile', new Blob([]), 'empty.txt');
  fd.append('text', 'second');
  const response = new Response(fd);
  const contentType = response.headers.get('content-type');
  assert(/^multipart\/form-data; boundary=[^\s;]+$/.test(contentType), contentType);
  const parsed = await response.formData();
  assertDeepEquals([...parsed.keys()], ['text', 'unicode ☃', 'file', 'empty', 'emptyFile', 'text']);
  assertDeepEquals(parsed.getAll('text'), ['hello world', 'second']);
  assertEquals(parsed.get('unicode ☃'), 'snow ☃ \u{1F600}');
  assertEquals(parsed.get('empty'), '');
  const file = parsed.get('file');
  assert(file instanceof File);
  assertEquals(file.name, 'data.bin');
  assertEquals(file.type, 'application/x-bin');
  assertDeepEquals(Array.from(new Uint8Array(await file.arrayBuffer())), Array.from(binary));
  const empty = parsed.get('emptyFile');
  assertEquals(empty.size, 0);
  assertEquals(empty.name, 'empty.txt');
}

export async function multipartSerializationFormat() {
  const fd = new FormData();
  fd.append('a"b\nc', 'line1\nline2\rline3\r\nline4');
  fd.append('f', new File(['x'], 'q"uote.txt'));
  const request = new Request('https://example.com/', { method: 'POST', body: fd });
  const boundary = request.headers.get('content-type').split('boundary=')[1];
  const text = await request.text();
  assertEquals(text,
    `--${boundary}\r\nContent-Disposition: form-data; name="a%22b%0D%0Ac"\r\n\r\n`
    + 'line1\r\nline2\r\nline3\r\nline4\r\n'
    + `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="q%22uote.txt"\r\n`
    + 'Content-Type: application/octet-stream\r\n\r\nx\r\n'
    + `--${boundary}--\r\n`);
}

export async function multipartEscapedNamesRoundTrip() {
  const fd = new FormData();
  fd.append('quote"d', 'v');
  fd.append('f', new Blob(['x']), 'a"b.txt');
  const parsed = await new Response(fd).formData();
  assertEquals(parsed.get('quote"d'), 'v');
  assertEquals(parsed.get('f').name, 'a"b.txt');
}

export async function boundariesAreRandom() {
  const a = new Response(new FormData()).headers.get('content-type');
  const b = new Response(new FormData()).headers.get('content-type');
  assert(a !== b, 'boundaries differ');
  assertDeepEquals([...(await new Response(new FormData()).formData())], []);
}

export async function parsesHandWrittenMultipart() {
  const body = 'preamble to ignore\r\n'
    + '--XyZ  \r\n'
    + 'content-disposition: form-data; name=plain\r\n'
    + '\r\n'
    + 'value one\r\n'
    + '--XyZ\r\n'
    + 'Content-Disposition: FORM-DATA; name="up"; filename="C:\\dir\\a.txt"\r\n'
    + '\r\n'
    + 'file body\r\n'
    + '--XyZ\r\n'
    + 'Content-Type: image/png\r\n'
    + 'Content-Disposition: form-data; filename="p.png"; name="img"\r\n'
    + '\r\n'
    + 'PNG\r\n'
    + '--XyZ--\r\n'
    + 'epilogue';
  const fd = await multipartResponse(body).formData();
  assertEquals(fd.get('plain'), 'value one');
  const up = fd.get('up');
  assertEquals(up.name, 'C:\\dir\\a.txt');
  assertEquals(up.type, 'text/plain');
  assertEquals(await up.text(), 'file body');
  assertEquals(fd.get('img').type, 'image/png');
  assertEquals(fd.get('img').name, 'p.png');
}

export async function parsesQuotedBoundaryAndPartWithoutLeadingPreamble() {
  const body = '--a b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--a b--';
  const fd = await multipartResponse(body, '"a b"').formData();
  assertEquals(fd.get('x'), '1');
}

export async function multipartValueKeepsBom() {
  const bytes = new Uint8Array([...enc.encode('--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n'),
    0xEF, 0xBB, 0xBF, 0x41, ...enc.encode('\r\n--b--\r\n')]);
  const fd = await new Response(bytes, { headers: { 'content-type': 'multipart/form-data; boundary=b' } }).formData();
  assertEquals(fd.get('x'), '\uFEFFA');
}

export async function malformedMultipartRejects() {
  const part = 'Content-Disposition: form-data; name="x"\r\n\r\nv\r\n';
  const cases = [
    ['no boundary at all', 'multipart/form-data; boundary=XyZ', 'hello'],
    ['missing close', 'multipart/form-data; boundary=XyZ', `--XyZ\r\n${part}`],
    ['no name', 'multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--'],
    ['not form-data', 'multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: attachment; name="x"\r\n\r\nv\r\n--XyZ--'],
    ['no headers end', 'multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: form-data; name="x"'],
    ['no boundary param', 'multipart/form-data', `--XyZ\r\n${part}--XyZ--`],
    ['bad header line', 'multipart/form-data; boundary=XyZ', '--XyZ\r\nnonsense\r\n\r\nv\r\n--XyZ--'],
    ['junk after delimiter', 'multipart/form-data; boundary=XyZ', `--XyZjunk\r\n${part}--XyZ--`],
  ];
  for (const [what, type, body] of cases) {
    try {
      await assertRejects(new Response(body, { headers: { 'content-type': type } }).formData(), TypeError);
    } catch (error) {
      throw new Error(`${what}: ${error.message}`);
    }
  }
}

export async function parsesUrlEncoded() {
  const response = new Response('a=1&b=two+words&a=3&&c&d=%41%zz%4&=empty&e=%E2%98%83&f=a=b', {
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
  });
  const fd = await response.formData();
  assertDeepEquals([...fd], [['a', '1'], ['b', 'two words'], ['a', '3'], ['c', ''], ['d', 'A%zz%4'],
    ['', 'empty'], ['e', '☃'], ['f', 'a=b']]);
}

export async function urlEncodedKeepsQuestionMarkAndBom() {
  const fd = await new Response('?x=1', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }).formData();
  assertEquals(fd.get('?x'), '1');
  const bytes = new Uint8Array([0xEF, 0xBB, 0xBF, 0x61, 0x3D, 0x62]);
  const fd2 = await new Response(bytes, { headers: { 'content-type': 'application/x-www-form-urlencoded' } }).formData();
  assertEquals(fd2.get('\uFEFFa'), 'b');
}

export async function urlSearchParamsBodyRoundTrip() {
  const params = new URLSearchParams({ q: 'a b&c', x: '☃' });
  const request = new Request('https://example.com/', { method: 'POST', body: params });
  assertEquals(request.headers.get('content-type'), 'application/x-www-form-urlencoded;charset=UTF-8');
  const fd = await request.formData();
  assertEquals(fd.get('q'), 'a b&c');
  assertEquals(fd.get('x'), '☃');
}

export async function formDataRejectsOtherTypes() {
  const response = new Response('a=1', { headers: { 'content-type': 'text/plain' } });
  await assertRejects(response.formData(), TypeError);
  assertEquals(response.bodyUsed, true);
  await assertRejects(new Response('a=1').formData(), TypeError);
  await assertRejects(new Response(new Uint8Array([1])).formData(), TypeError);
}

export async function emptyUrlEncodedBody() {
  const response = new Response(null, { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertDeepEquals([...(await response.formData())], []);
}
