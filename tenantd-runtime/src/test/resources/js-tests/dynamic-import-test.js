// import() of the worker's own uploaded modules and of the runtime's built-in modules.
import * as assertions from './assert.js';
import { assert, assertEquals } from './assert.js';
import * as sockets from 'cloudflare:sockets';

export async function importsAnUploadedModuleAsTheSameNamespaceAsAStaticImport() {
  const dynamic = await import('./assert.js');
  assertEquals(dynamic, assertions);
  assertEquals(typeof dynamic.assertEquals, 'function');
  assertEquals(Object.prototype.toString.call(dynamic), '[object Module]');
}

export async function importsABuiltinModule() {
  const { connect } = await import('cloudflare:sockets');
  assertEquals(connect, sockets.connect);
  assertEquals(await import('cloudflare:sockets'), sockets);
}

export async function aComputedSpecifierResolvesAtCallTime() {
  const name = ['.', 'assert.js'].join('/');
  assertEquals(await import(name), assertions);
  const scheme = 'cloudflare';
  assertEquals((await import(`${scheme}:sockets`)).connect, sockets.connect);
}

export async function anUnknownSpecifierRejectsWithTheMessageOfAStaticImport() {
  let caught;
  const pending = import('./no-such-module.js');
  assert(pending instanceof Promise, 'import() returns a promise');
  try {
    await pending;
  } catch (e) {
    caught = e;
  }
  assert(caught instanceof Error, `rejected with ${caught}`);
  assertEquals(caught.message, 'No such module "./no-such-module.js" imported from "dynamic-import-test.js"');
  let builtin;
  try {
    await import('cloudflare:no-such-thing');
  } catch (e) {
    builtin = e;
  }
  assertEquals(builtin?.message, 'No such module "cloudflare:no-such-thing" imported from "dynamic-import-test.js"');
}

export async function aSpecifierBecomesAStringAndBadOptionsReject() {
  const symbol = await import(Symbol('x')).then(() => 'fulfilled', (e) => e.constructor.name);
  assertEquals(symbol, 'TypeError');
  const options = await import('./assert.js', 42).then(() => 'fulfilled', (e) => e.constructor.name);
  assertEquals(options, 'TypeError');
  assertEquals(await import('./assert.js', { with: {} }), assertions);
  let converted = 0;
  const specifier = { toString() { converted++; return './assert.js'; } };
  const pending = import(specifier);
  assertEquals(converted, 1, 'the specifier is converted when import() is called');
  assertEquals(await pending, assertions);
}

export function importTextInsideLiteralsAndCommentsIsLeftAlone() {
  // import('./in-a-comment.js')
  /* import('./in-a-block-comment.js') */
  const quoted = "import('./a.js')";
  const single = 'import(\'./b.js\')';
  const template = `import('./c.js') ${1 + 1} import('./d.js')`;
  const regex = /import\('\.\/e\.js'\)/;
  assertEquals(quoted, "import('./a.js')");
  assertEquals(single, "import('./b.js')");
  assertEquals(template, "import('./c.js') 2 import('./d.js')");
  assertEquals(regex.source, "import\\('\\.\\/e\\.js'\\)");
  assert(regex.test("import('./e.js')"));
  const o = { import(x) { return x * 2; }, nested: { import: 3 } };
  assertEquals(o.import(2), 4);
  assertEquals(o.nested.import, 3);
  class Loader { import(x) { return `loaded ${x}`; } }
  assertEquals(new Loader().import('y'), 'loaded y');
}

export async function importIsReachableFromEveryKindOfPosition() {
  const all = await Promise.all([import('./assert.js'), (() => import('./assert.js'))()]);
  assertEquals(all[0], all[1]);
  const inTemplate = `${(await import('./assert.js')) === assertions}`;
  assertEquals(inTemplate, 'true');
  class Lazy { static loaded = import('./assert.js'); }
  assertEquals(await Lazy.loaded, assertions);
  const value = true ? await import('./assert.js') : null;
  assertEquals(value, assertions);
}
