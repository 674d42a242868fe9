import { assert, assertEquals, assertThrows } from './assert.js';

export function navigatorIsCloudflareWorkers() {
  assertEquals(navigator.userAgent, 'Cloudflare-Workers');
  assertEquals(navigator.hardwareConcurrency, 1);
  assertEquals(Object.prototype.toString.call(navigator), '[object Navigator]');
  assertThrows(() => new Navigator(), TypeError);
}

export async function schedulerWaitResolvesAfterTheDelay() {
  const before = Date.now();
  const value = await scheduler.wait(20);
  assertEquals(value, undefined);
  assert(Date.now() - before >= 20, 'the clock moved on by at least the delay');
}

export async function schedulerWaitRejectsWithTheAbortReason() {
  const controller = new AbortController();
  const waiting = scheduler.wait(60_000, { signal: controller.signal });
  controller.abort(new RangeError('stop waiting'));
  let caught;
  try { await waiting; } catch (e) { caught = e; }
  assert(caught instanceof RangeError && caught.message === 'stop waiting', 'rejected with the reason');

  let early;
  try { await scheduler.wait(10, { signal: AbortSignal.abort() }); } catch (e) { early = e; }
  assertEquals(early.name, 'AbortError');

  let wrong;
  try { await scheduler.wait(10, { signal: {} }); } catch (e) { wrong = e; }
  assert(wrong instanceof TypeError, 'a signal that is not an AbortSignal is a TypeError');
}

export function consoleHasTheDevtoolsMethodsAsNoOps() {
  // Libraries call these unguarded; each exists and returns without throwing.
  for (const name of ['clear', 'profile', 'profileEnd', 'timeStamp', 'dirxml', 'context', 'createTask']) {
    assertEquals(typeof console[name], 'function', name);
  }
  console.clear();
  console.profile('p');
  console.profileEnd('p');
  console.timeStamp('t');
  assertEquals(console.context().log, console.log);
  assertEquals(console.createTask('task').run(() => 42), 42);
}

export function theEnginesGcFunctionIsOutOfReach() {
  // The host runs the engine with --expose-gc-as: the function it defines is emptied first,
  // and `gc` stays free for a worker's own declarations.
  assert(!('gc' in globalThis), 'no gc global');
  assertEquals(globalThis.__tenantd_gc, undefined);
}
