// node:events, against Node's documented behaviour (run with nodejs_compat).
import EventEmitter, { once, on, errorMonitor, getEventListeners } from 'node:events';
import { assert, assertEquals, assertDeepEquals, assertThrows } from './assert.js';

export function listeners_run_in_order_with_their_arguments_and_this() {
  const e = new EventEmitter();
  const seen = [];
  e.on('x', function (a, b) { seen.push(['first', a, b, this === e]); });
  e.on('x', (a) => seen.push(['second', a]));
  e.prependListener('x', () => seen.push(['prepended']));
  assertEquals(e.emit('x', 1, 2), true);
  assertEquals(e.emit('nothing'), false);
  assertDeepEquals(seen, [['prepended'], ['first', 1, 2, true], ['second', 1]]);
  assertEquals(e.listenerCount('x'), 3);
  assertDeepEquals(e.eventNames(), ['x']);
}

export function once_listeners_fire_once_and_can_be_removed_by_the_original() {
  const e = new EventEmitter();
  let count = 0;
  const listener = () => count++;
  e.once('x', listener);
  assertEquals(e.listeners('x')[0], listener);
  assert(e.rawListeners('x')[0] !== listener, 'rawListeners shows the once wrapper');
  e.emit('x');
  e.emit('x');
  assertEquals(count, 1);
  e.once('y', listener);
  e.off('y', listener);
  e.emit('y');
  assertEquals(count, 1);
  assertEquals(e.listenerCount('y'), 0);
}

export function a_listener_removed_during_emit_still_runs_in_that_emit() {
  const e = new EventEmitter();
  const seen = [];
  const b = () => seen.push('b');
  e.on('x', () => { seen.push('a'); e.removeListener('x', b); });
  e.on('x', b);
  e.emit('x');
  e.emit('x');
  assertDeepEquals(seen, ['a', 'b', 'a']);
}

export function new_listener_and_remove_listener_events() {
  const e = new EventEmitter();
  const seen = [];
  e.on('newListener', (name) => seen.push(`new ${name}`));
  e.on('removeListener', (name) => seen.push(`removed ${name}`));
  const f = () => {};
  e.on('x', f);
  e.removeListener('x', f);
  e.removeAllListeners('x');
  assertDeepEquals(seen, ['new removeListener', 'new x', 'removed x']);
}

export function error_without_a_listener_throws() {
  const e = new EventEmitter();
  const boom = new Error('boom');
  assertEquals(assertThrows(() => e.emit('error', boom), Error), boom);
  const unhandled = assertThrows(() => e.emit('error', 'text'), Error);
  assertEquals(unhandled.code, 'ERR_UNHANDLED_ERROR');
  assertEquals(unhandled.message, "Unhandled error. ('text')");
  let monitored = null;
  e.on(errorMonitor, (err) => { monitored = err; });
  assertThrows(() => e.emit('error', boom), Error);
  assertEquals(monitored, boom);
  e.on('error', () => {});
  assertEquals(e.emit('error', boom), true);
}

export function listener_must_be_a_function() {
  const error = assertThrows(() => new EventEmitter().on('x', 'nope'), TypeError);
  assertEquals(error.code, 'ERR_INVALID_ARG_TYPE');
  assertEquals(error.message, `The "listener" argument must be of type function. Received type string ('nope')`);
}

export function max_listeners() {
  const e = new EventEmitter();
  assertEquals(e.getMaxListeners(), 10);
  assertEquals(EventEmitter.defaultMaxListeners, 10);
  e.setMaxListeners(1);
  assertEquals(e.getMaxListeners(), 1);
}

export async function static_once_resolves_with_the_arguments_and_rejects_on_error() {
  const e = new EventEmitter();
  setTimeout(() => e.emit('ready', 1, 2), 1);
  assertDeepEquals(await once(e, 'ready'), [1, 2]);
  const failing = new EventEmitter();
  setTimeout(() => failing.emit('error', new Error('bad')), 1);
  let caught = null;
  try {
    await once(failing, 'ready');
  } catch (err) {
    caught = err;
  }
  assertEquals(caught.message, 'bad');
  assertEquals(failing.listenerCount('ready'), 0);
  const target = new EventTarget();
  setTimeout(() => target.dispatchEvent(new Event('ping')), 1);
  const [event] = await once(target, 'ping');
  assertEquals(event.type, 'ping');
}

export async function static_on_iterates_events() {
  const e = new EventEmitter();
  setTimeout(() => { e.emit('n', 1); e.emit('n', 2); e.emit('n', 3); }, 1);
  const got = [];
  for await (const [n] of on(e, 'n')) {
    got.push(n);
    if (got.length === 3) break;
  }
  assertDeepEquals(got, [1, 2, 3]);
  assertEquals(e.listenerCount('n'), 0);
  assertEquals(getEventListeners(e, 'n').length, 0);
}

export function subclassing_and_old_style_inheritance() {
  class Child extends EventEmitter {}
  const c = new Child();
  let got = null;
  c.on('x', (v) => { got = v; });
  c.emit('x', 5);
  assertEquals(got, 5);
  function Old() { EventEmitter.call(this); }
  Object.setPrototypeOf(Old.prototype, EventEmitter.prototype);
  const o = new Old();
  o.on('y', (v) => { got = v; });
  o.emit('y', 6);
  assertEquals(got, 6);
  assertEquals(EventEmitter.EventEmitter, EventEmitter);
}

export function getMaxListeners_of_emitters_and_event_targets() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(3);
  assertEquals(EventEmitter.getMaxListeners(emitter), 3);
  assertEquals(EventEmitter.getMaxListeners(new EventTarget()), EventEmitter.defaultMaxListeners);
  assertThrows(() => EventEmitter.getMaxListeners({}), TypeError);
}
