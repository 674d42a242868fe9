// node:process, node:timers, node:async_hooks and the module-loading glue, against
// Node's documented behaviour (run with nodejs_compat at a recent date).
import process, { nextTick, env } from 'node:process';
import { setTimeout as setTimeoutNode, setImmediate as setImmediateNode, clearTimeout as clearTimeoutNode } from 'node:timers';
import { setTimeout as sleep, setImmediate as immediate } from 'node:timers/promises';
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { createRequire, builtinModules, isBuiltin } from 'node:module';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { channel } from 'node:diagnostics_channel';
import { assert, assertEquals, assertDeepEquals, assertThrows } from './assert.js';

export function process_global_and_module_are_one() {
  assertEquals(globalThis.process, process);
  assertEquals(process.platform, 'linux');
  assertEquals(typeof process.version, 'string');
  assertEquals(process.version.startsWith('v'), true);
  assertEquals(process.versions.node, process.version.slice(1));
  assertEquals(process.cwd(), '/bundle');
  assertEquals(Array.isArray(process.argv), true);
  assertEquals(typeof process.hrtime.bigint(), 'bigint');
  assertEquals(process.hrtime().length, 2);
  assertEquals(typeof process.on, 'function', 'process is an EventEmitter');
  assertEquals(globalThis.global, globalThis);
}

export function env_is_filled_from_text_bindings() {
  assertEquals(env.GREETING, 'hello');
  assertEquals(process.env.GREETING, 'hello');
}

export async function next_tick_runs_before_timers_with_its_arguments() {
  const order = [];
  await new Promise((resolve) => {
    setTimeout(() => { order.push('timeout'); resolve(); }, 0);
    nextTick((a, b) => order.push(`tick ${a} ${b}`), 1, 2);
    order.push('sync');
  });
  assertDeepEquals(order, ['sync', 'tick 1 2', 'timeout']);
}

export async function timers_module_returns_timeout_objects() {
  const fired = [];
  const t = setTimeoutNode(() => fired.push('t'), 1);
  assertEquals(typeof t.ref, 'function');
  assertEquals(t.hasRef(), true);
  assertEquals(typeof +t, 'number');
  const cancelled = setTimeoutNode(() => fired.push('cancelled'), 1);
  clearTimeoutNode(cancelled);
  const viaGlobal = setTimeoutNode(() => fired.push('global-cancelled'), 1);
  clearTimeout(viaGlobal);
  await new Promise((resolve) => setImmediateNode(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  await sleep(5);
  assertDeepEquals(fired, ['t']);
  assertEquals(await sleep(1, 'value'), 'value');
  assertEquals(await immediate('now'), 'now');
  const controller = new AbortController();
  const pending = sleep(1000, null, { signal: controller.signal });
  controller.abort();
  let error = null;
  try {
    await pending;
  } catch (e) {
    error = e;
  }
  assertEquals(error.name, 'AbortError');
  assertEquals(error.code, 'ABORT_ERR');
}

export async function async_local_storage_follows_sync_code_and_scheduled_callbacks() {
  const als = new AsyncLocalStorage();
  assertEquals(als.getStore(), undefined);
  const seen = [];
  await als.run({ id: 1 }, () => new Promise((resolve) => {
    seen.push(als.getStore().id);
    setTimeout(() => {
      seen.push(als.getStore()?.id);
      queueMicrotask(() => {
        seen.push(als.getStore()?.id);
        process.nextTick(() => {
          seen.push(als.getStore()?.id);
          resolve();
        });
      });
    }, 1);
    als.run({ id: 2 }, () => seen.push(als.getStore().id));
    als.exit(() => seen.push(als.getStore()));
  }));
  assertDeepEquals(seen, [1, 2, undefined, 1, 1, 1]);
  assertEquals(als.getStore(), undefined, 'the store ends with run()');
  const bound = als.run('bound', () => AsyncLocalStorage.bind(() => als.getStore()));
  assertEquals(bound(), 'bound');
  const snapshot = als.run('snap', () => AsyncLocalStorage.snapshot());
  assertEquals(snapshot(() => als.getStore()), 'snap');
  const resource = als.run('res', () => new AsyncResource('test'));
  assertEquals(resource.runInAsyncScope(() => als.getStore()), 'res');
  const other = new AsyncLocalStorage();
  als.run('a', () => other.run('b', () => seen.push(`${als.getStore()}${other.getStore()}`)));
  assertEquals(seen.at(-1), 'ab');
}

export async function async_local_storage_follows_await_and_promise_reactions() {
  const als = new AsyncLocalStorage();
  const seen = [];
  const thenable = { then(resolve) { seen.push(`thenable:${als.getStore()}`); resolve('t'); } };
  const done = als.run('outer', async () => {
    seen.push(`start:${als.getStore()}`);
    await null;
    seen.push(`await:${als.getStore()}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
    seen.push(`timer:${als.getStore()}`);
    await Promise.resolve().then(() => seen.push(`then:${als.getStore()}`));
    await thenable;
    await als.run('inner', async () => {
      await null;
      seen.push(`inner:${als.getStore()}`);
    });
    seen.push(`after inner:${als.getStore()}`);
    await als.exit(async () => {
      await null;
      seen.push(`exit:${als.getStore()}`);
    });
    als.enterWith('entered');
    await null;
    seen.push(`entered:${als.getStore()}`);
    return als.getStore();
  });
  // run() has returned: the caller's code is outside the store, before and after its await.
  seen.push(`caller:${als.getStore()}`);
  assertEquals(await done, 'entered');
  seen.push(`caller after:${als.getStore()}`);
  assertDeepEquals(seen, ['start:outer', 'caller:undefined', 'await:outer', 'timer:outer', 'then:outer',
    'thenable:outer', 'inner:inner', 'after inner:outer', 'exit:undefined', 'entered:entered',
    'caller after:undefined']);
}

export async function async_local_storage_keeps_interleaved_runs_apart() {
  const als = new AsyncLocalStorage();
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  // Both runs wait on one promise, settled outside either of them: each continues in its own store.
  const runs = [1, 2, 3].map((id) => als.run({ id }, async () => {
    await gate;
    const first = als.getStore().id;
    await new Promise((resolve) => setTimeout(resolve, 4 - id));
    return `${first}${als.getStore().id}`;
  }));
  release();
  assertDeepEquals(await Promise.all(runs), ['11', '22', '33']);
  const resource = als.run('resource', () => new AsyncResource('test'));
  assertEquals(await resource.runInAsyncScope(async () => { await null; return als.getStore(); }), 'resource');
  const snapshot = als.run('snapshot', () => AsyncLocalStorage.snapshot());
  assertEquals(await snapshot(async () => { await null; return als.getStore(); }), 'snapshot');
}

export function builtins_resolve_by_name_and_through_create_require() {
  const require = createRequire('/bundle/worker.js');
  assertEquals(require('node:path').join('a', 'b'), 'a/b');
  assertEquals(require('buffer').Buffer, Buffer);
  assertEquals(assertThrows(() => require('left-pad'), Error).code, 'MODULE_NOT_FOUND');
  assertEquals(isBuiltin('node:fs'), true);
  assertEquals(isBuiltin('left-pad'), false);
  assertEquals(builtinModules.includes('crypto'), true);
  assertEquals(process.getBuiltinModule('node:events'), process.getBuiltinModule('events'));
  assertEquals(process.getBuiltinModule('nope'), undefined);
}

export function modules_without_an_implementation_load_and_throw_when_used() {
  const error = assertThrows(() => readFileSync('/etc/passwd'), Error);
  assertEquals(error.code, 'ERR_METHOD_NOT_IMPLEMENTED');
  assertEquals(typeof http.request, 'function');
  assertEquals(http.STATUS_CODES[404], 'Not Found');
  assertEquals(os.EOL, '\n');
  assertEquals(os.platform(), 'linux');
  const c = channel('test');
  const messages = [];
  c.subscribe((m) => messages.push(m));
  c.publish('hi');
  assertDeepEquals(messages, ['hi']);
  assert(c.hasSubscribers);
}

function responseOf(req) {
  return new Promise((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ res, body }));
    });
  });
}

export async function http_client_requests_go_out_through_fetch() {
  const { res, body } = await responseOf(http.get('http://example.com/path?q=1'));
  assertEquals(res.statusCode, 200);
  assertEquals(res.headers['content-type'], 'text/plain');
  assertEquals(res.headers['x-echo-method'], 'GET');
  assertEquals(body, 'GET http://example.com/path?q=1 ');
  const post = http.request({ method: 'POST', hostname: 'api.example.com', port: 8080, path: '/items',
    headers: { 'content-type': 'text/plain' } });
  assertEquals(post.getHeader('Content-Type'), 'text/plain');
  post.write('a');
  post.end('bc');
  const posted = await responseOf(post);
  assertEquals(posted.body, 'POST http://api.example.com:8080/items abc');
  assertEquals(assertThrows(() => http.request('ftp://x/'), TypeError).code, 'ERR_INVALID_PROTOCOL');
}
