// node:path, node:url, node:querystring and node:string_decoder, against Node's
// documented behaviour (run with nodejs_compat).
import path from 'node:path';
import { posix } from 'node:path';
import posixModule from 'node:path/posix';
import url, { fileURLToPath, pathToFileURL, URL as NodeURL, URLSearchParams as NodeParams } from 'node:url';
import querystring from 'node:querystring';
import { StringDecoder } from 'node:string_decoder';
import { assertEquals, assertDeepEquals, assertThrows } from './assert.js';

export function path_join_normalize_resolve() {
  assertEquals(path.join('/foo', 'bar', 'baz/asdf', 'quux', '..'), '/foo/bar/baz/asdf');
  assertEquals(path.join('foo', '', 'bar'), 'foo/bar');
  assertEquals(path.join(''), '.');
  assertEquals(path.join('a', '../../b'), '../b');
  assertEquals(path.normalize('/foo/bar//baz/asdf/quux/..'), '/foo/bar/baz/asdf');
  assertEquals(path.normalize('./a/'), 'a/');
  assertEquals(path.normalize(''), '.');
  assertEquals(path.resolve('/foo/bar', './baz'), '/foo/bar/baz');
  assertEquals(path.resolve('/foo/bar', '/tmp/file/'), '/tmp/file');
  assertEquals(path.resolve('/a/b', '../../..', 'c'), '/c');
  assertEquals(path.resolve('x'), `${process.cwd()}/x`);
  assertEquals(path.isAbsolute('/x'), true);
  assertEquals(path.isAbsolute('x/'), false);
  const error = assertThrows(() => path.join('a', 1), TypeError);
  assertEquals(error.code, 'ERR_INVALID_ARG_TYPE');
}

export function path_relative_dirname_basename_extname() {
  assertEquals(path.relative('/data/orandea/test/aaa', '/data/orandea/impl/bbb'), '../../impl/bbb');
  assertEquals(path.relative('/a/b', '/a/b/c/d'), 'c/d');
  assertEquals(path.relative('/a/b/c', '/a'), '../..');
  assertEquals(path.relative('/a', '/a'), '');
  assertEquals(path.dirname('/foo/bar/baz/asdf/quux'), '/foo/bar/baz/asdf');
  assertEquals(path.dirname('file'), '.');
  assertEquals(path.dirname('/'), '/');
  assertEquals(path.basename('/foo/bar/baz/asdf/quux.html'), 'quux.html');
  assertEquals(path.basename('/foo/bar/baz/asdf/quux.html', '.html'), 'quux');
  assertEquals(path.basename('/dir/'), 'dir');
  assertEquals(path.extname('index.html'), '.html');
  assertEquals(path.extname('index.coffee.md'), '.md');
  assertEquals(path.extname('index.'), '.');
  assertEquals(path.extname('index'), '');
  assertEquals(path.extname('.index'), '');
  assertEquals(path.extname('.index.md'), '.md');
}

export function path_parse_format_and_aliases() {
  assertDeepEquals(path.parse('/home/user/dir/file.txt'),
    { root: '/', dir: '/home/user/dir', base: 'file.txt', ext: '.txt', name: 'file' });
  assertDeepEquals(path.parse('file'), { root: '', dir: '', base: 'file', ext: '', name: 'file' });
  assertEquals(path.format({ root: '/ignored', dir: '/home/user/dir', base: 'file.txt' }), '/home/user/dir/file.txt');
  assertEquals(path.format({ root: '/', base: 'file.txt' }), '/file.txt');
  assertEquals(path.format({ root: '/', name: 'file', ext: '.txt' }), '/file.txt');
  assertEquals(path.format({ root: '/', name: 'file', ext: 'txt' }), '/file.txt');
  assertEquals(path.sep, '/');
  assertEquals(path.delimiter, ':');
  assertEquals(posix, path.posix);
  assertEquals(posixModule.join('a', 'b'), 'a/b');
  assertEquals(path.win32.sep, '\\');
}

export function url_whatwg_and_file_urls() {
  assertEquals(NodeURL, globalThis.URL);
  assertEquals(NodeParams, globalThis.URLSearchParams);
  assertEquals(fileURLToPath('file:///tmp/a%20b.txt'), '/tmp/a b.txt');
  assertEquals(fileURLToPath(new URL('file:///x/y')), '/x/y');
  assertEquals(assertThrows(() => fileURLToPath('http://x/'), TypeError).code, 'ERR_INVALID_URL_SCHEME');
  assertEquals(assertThrows(() => fileURLToPath('file:///a%2Fb'), TypeError).code, 'ERR_INVALID_FILE_URL_PATH');
  assertEquals(pathToFileURL('/some/path%.c').href, 'file:///some/path%25.c');
  assertEquals(pathToFileURL('/a b#c').href, 'file:///a%20b%23c');
}

export function url_legacy_parse_format_resolve() {
  const parsed = url.parse('https://user:pass@sub.Example.com:8080/p/a/t/h?query=string&a=1#hash', true);
  assertEquals(parsed.protocol, 'https:');
  assertEquals(parsed.slashes, true);
  assertEquals(parsed.auth, 'user:pass');
  assertEquals(parsed.host, 'sub.example.com:8080');
  assertEquals(parsed.port, '8080');
  assertEquals(parsed.hostname, 'sub.example.com');
  assertEquals(parsed.hash, '#hash');
  assertEquals(parsed.search, '?query=string&a=1');
  assertDeepEquals({ ...parsed.query }, { query: 'string', a: '1' });
  assertEquals(parsed.pathname, '/p/a/t/h');
  assertEquals(parsed.path, '/p/a/t/h?query=string&a=1');
  assertEquals(parsed.href, 'https://user:pass@sub.example.com:8080/p/a/t/h?query=string&a=1#hash');
  const relative = url.parse('/a/b?x=1');
  assertEquals(relative.protocol, null);
  assertEquals(relative.host, null);
  assertEquals(relative.pathname, '/a/b');
  assertEquals(relative.query, 'x=1');
  assertEquals(url.format({ protocol: 'https', hostname: 'example.com', pathname: '/some/path', query: { page: 1, format: 'json' } }),
    'https://example.com/some/path?page=1&format=json');
  assertEquals(url.format(new URL('https://a:b@example.com/?q#f'), { auth: false, search: false, fragment: false }), 'https://example.com/');
  assertEquals(url.resolve('/one/two/three', 'four'), '/one/two/four');
  assertEquals(url.resolve('http://example.com/', '/one'), 'http://example.com/one');
  assertEquals(url.resolve('http://example.com/one', '/two'), 'http://example.com/two');
}

export function querystring_parse_and_stringify() {
  assertDeepEquals({ ...querystring.parse('foo=bar&abc=xyz&abc=123&sp=a+b&enc=%E2%82%AC&empty') },
    { foo: 'bar', abc: ['xyz', '123'], sp: 'a b', enc: '€', empty: '' });
  assertDeepEquals({ ...querystring.parse('w=%D6%D0%CE%C4&foo=bar', null, null) }, { w: '\ufffd\ufffd\ufffd\ufffd', foo: 'bar' });
  assertEquals(querystring.stringify({ foo: 'bar', baz: ['qux', 'quux'], corge: '' }), 'foo=bar&baz=qux&baz=quux&corge=');
  assertEquals(querystring.stringify({ foo: 'bar', baz: 'qux' }, ';', ':'), 'foo:bar;baz:qux');
  assertEquals(querystring.stringify({ n: 1, t: true, o: {}, s: 'a b&€' }), 'n=1&t=true&o=&s=a%20b%26%E2%82%AC');
  assertEquals(querystring.escape('a b'), 'a%20b');
  assertEquals(querystring.unescape('a%20b'), 'a b');
}

export function string_decoder_keeps_split_characters() {
  const decoder = new StringDecoder('utf8');
  const euro = Buffer.from('€');
  assertEquals(decoder.write(euro.subarray(0, 1)), '');
  assertEquals(decoder.write(euro.subarray(1, 2)), '');
  assertEquals(decoder.write(euro.subarray(2)), '€');
  assertEquals(decoder.write(Buffer.from([0xe2, 0x82])), '');
  assertEquals(decoder.end(), '\ufffd');
  const hex = new StringDecoder('hex');
  assertEquals(hex.write(Buffer.from([1, 255])), '01ff');
  const b64 = new StringDecoder('base64');
  assertEquals(b64.write(Buffer.from('ab')), '');
  assertEquals(b64.write(Buffer.from('c')), 'YWJj');
  assertEquals(b64.write(Buffer.from('d')), '');
  assertEquals(b64.end(), 'ZA==');
  const utf16 = new StringDecoder('utf16le');
  assertEquals(utf16.write(Buffer.from([0x61])), '');
  assertEquals(utf16.write(Buffer.from([0x00, 0x62, 0x00])), 'ab');
  assertEquals(new StringDecoder().encoding, 'utf8');
  assertEquals(new StringDecoder('binary').encoding, 'latin1');
  assertEquals(assertThrows(() => new StringDecoder('nope'), TypeError).code, 'ERR_UNKNOWN_ENCODING');
}
