import { assert, assertEquals, assertDeepEquals, assertThrows, assertRejects } from './assert.js';

function withConsoleError(fn) {
  const errors = [];
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'console');
  const fake = { ...(globalThis.console ?? {}), error: (e) => errors.push(e) };
  Object.defineProperty(globalThis, 'console', { value: fake, configurable: true, writable: true });
  try {
    fn();
  } finally {
    if (saved) Object.defineProperty(globalThis, 'console', saved);
    else delete globalThis.console;
  }
  return errors;
}

export function eventDefaults() {
  const e = new Event('foo');
  assertEquals(e.type, 'foo');
  assertEquals(e.bubbles, false);
  assertEquals(e.cancelable, false);
  assertEquals(e.composed, false);
  assertEquals(e.defaultPrevented, false);
  assertEquals(e.isTrusted, false);
  assertEquals(e.target, null);
  assertEquals(e.currentTarget, null);
  assertEquals(e.srcElement, null);
  assertEquals(e.eventPhase, Event.NONE);
  assertEquals(e.returnValue, true);
  assertEquals(e.cancelBubble, false);
  assertEquals(typeof e.timeStamp, 'number');
  assertDeepEquals(e.composedPath(), []);
  assertEquals(Object.prototype.toString.call(e), '[object Event]');
}

export function eventConstants() {
  assertEquals(Event.NONE, 0);
  assertEquals(Event.CAPTURING_PHASE, 1);
  assertEquals(Event.AT_TARGET, 2);
  assertEquals(Event.BUBBLING_PHASE, 3);
  assertEquals(new Event('x').AT_TARGET, 2);
}

export function eventConstructorValidation() {
  assertThrows(() => new Event(), TypeError);
  assertThrows(() => Event('x'), TypeError);
  assertThrows(() => new Event('x', 5), TypeError);
  const e = new Event('x', { bubbles: 1, cancelable: 'yes', composed: true });
  assertEquals(e.bubbles, true);
  assertEquals(e.cancelable, true);
  assertEquals(e.composed, true);
  assertEquals(new Event(null).type, 'null');
}

export function isTrustedIsOwnUnforgeable() {
  const e = new Event('x');
  const desc = Object.getOwnPropertyDescriptor(e, 'isTrusted');
  assert(desc && typeof desc.get === 'function' && !desc.configurable);
}

export function preventDefaultOnlyWhenCancelable() {
  const a = new Event('x');
  a.preventDefault();
  assertEquals(a.defaultPrevented, false);
  const b = new Event('x', { cancelable: true });
  b.preventDefault();
  assertEquals(b.defaultPrevented, true);
  assertEquals(b.returnValue, false);
  const c = new Event('x', { cancelable: true });
  c.returnValue = false;
  assertEquals(c.defaultPrevented, true);
  c.returnValue = true;
  assertEquals(c.defaultPrevented, true);
}

export function dispatchBasics() {
  const target = new EventTarget();
  const event = new Event('ping', { cancelable: true });
  const seen = [];
  target.addEventListener('ping', function (e) {
    seen.push([this === target, e.target === target, e.currentTarget === target, e.eventPhase]);
    assertEquals(e.composedPath().length, 1);
    e.preventDefault();
  });
  const result = target.dispatchEvent(event);
  assertEquals(result, false);
  assertDeepEquals(seen, [[true, true, true, 2]]);
  assertEquals(event.eventPhase, 0);
  assertEquals(event.currentTarget, null);
  assertEquals(event.target, target);
  assertEquals(target.dispatchEvent(new Event('other')), true);
}

export function captureListenersRunFirstAtTarget() {
  const t = new EventTarget();
  const order = [];
  t.addEventListener('x', () => order.push('bubble'));
  t.addEventListener('x', () => order.push('capture'), true);
  t.addEventListener('x', () => order.push('capture2'), { capture: true });
  t.dispatchEvent(new Event('x'));
  assertDeepEquals(order, ['capture', 'capture2', 'bubble']);
}

export function duplicateListenersIgnored() {
  const t = new EventTarget();
  let count = 0;
  const fn = () => count++;
  t.addEventListener('x', fn);
  t.addEventListener('x', fn);
  t.addEventListener('x', fn, { once: true });
  t.addEventListener('x', fn, true);
  t.dispatchEvent(new Event('x'));
  assertEquals(count, 2);
}

export function removeEventListenerMatchesCapture() {
  const t = new EventTarget();
  let count = 0;
  const fn = () => count++;
  t.addEventListener('x', fn, true);
  t.removeEventListener('x', fn);
  t.dispatchEvent(new Event('x'));
  assertEquals(count, 1);
  t.removeEventListener('x', fn, { capture: true });
  t.dispatchEvent(new Event('x'));
  assertEquals(count, 1);
  t.removeEventListener('x', null);
  t.removeEventListener('nothing', fn);
}

export function onceListener() {
  const t = new EventTarget();
  let count = 0;
  t.addEventListener('x', () => count++, { once: true });
  t.dispatchEvent(new Event('x'));
  t.dispatchEvent(new Event('x'));
  assertEquals(count, 1);
}

export function passiveListenerCannotCancel() {
  const t = new EventTarget();
  t.addEventListener('x', (e) => {
    e.preventDefault();
    assertEquals(e.defaultPrevented, false);
  }, { passive: true });
  const e = new Event('x', { cancelable: true });
  assertEquals(t.dispatchEvent(e), true);
  assertEquals(e.defaultPrevented, false);
}

export function listenerObjectsWithHandleEvent() {
  const t = new EventTarget();
  const seen = [];
  const listener = {
    handleEvent(e) {
      seen.push(this === listener, e.type);
    },
  };
  t.addEventListener('x', listener);
  t.dispatchEvent(new Event('x'));
  assertDeepEquals(seen, [true, 'x']);
  // handleEvent is looked up at dispatch time.
  listener.handleEvent = () => seen.push('late');
  t.dispatchEvent(new Event('x'));
  assertEquals(seen[2], 'late');
}

export function listenerErrorsAreReportedNotThrown() {
  const t = new EventTarget();
  let after = false;
  const boom = new Error('boom');
  t.addEventListener('x', () => { throw boom; });
  t.addEventListener('x', { handleEvent: 5 });
  t.addEventListener('x', () => { after = true; });
  const errors = withConsoleError(() => {
    assertEquals(t.dispatchEvent(new Event('x')), true);
  });
  assert(after, 'later listeners still run');
  assertEquals(errors.length, 2);
  assertEquals(errors[0], boom);
  assert(errors[1] instanceof TypeError);
}

export function reportErrorGlobal() {
  assertEquals(typeof reportError, 'function');
  const errors = withConsoleError(() => reportError('oops'));
  assertDeepEquals(errors, ['oops']);
  assertThrows(() => reportError(), TypeError);
  // Never throws even when console.error throws or console is missing.
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'console');
  Object.defineProperty(globalThis, 'console', {
    value: { error() { throw new Error('x'); } }, configurable: true, writable: true,
  });
  try {
    reportError(1);
    delete globalThis.console;
    reportError(2);
  } finally {
    if (saved) Object.defineProperty(globalThis, 'console', saved);
  }
}

export function stopImmediatePropagation() {
  const t = new EventTarget();
  const order = [];
  t.addEventListener('x', (e) => { order.push(1); e.stopImmediatePropagation(); });
  t.addEventListener('x', () => order.push(2));
  t.dispatchEvent(new Event('x'));
  assertDeepEquals(order, [1]);
  // Flags are cleared after dispatch so the event can be redispatched.
  const e = new Event('y');
  e.stopPropagation();
  assertEquals(e.cancelBubble, true);
}

export function stopPropagationInCaptureSkipsBubbleListeners() {
  const t = new EventTarget();
  const order = [];
  t.addEventListener('x', (e) => { order.push('c'); e.stopPropagation(); }, true);
  t.addEventListener('x', () => order.push('c2'), true);
  t.addEventListener('x', () => order.push('b'));
  t.dispatchEvent(new Event('x'));
  assertDeepEquals(order, ['c', 'c2']);
}

export function listenersAddedDuringDispatchDoNotRun() {
  const t = new EventTarget();
  const order = [];
  t.addEventListener('x', () => {
    order.push(1);
    t.addEventListener('x', () => order.push('late'));
  });
  t.dispatchEvent(new Event('x'));
  assertDeepEquals(order, [1]);
}

export function listenersRemovedDuringDispatchDoNotRun() {
  const t = new EventTarget();
  const order = [];
  const second = () => order.push(2);
  t.addEventListener('x', () => { order.push(1); t.removeEventListener('x', second); });
  t.addEventListener('x', second);
  t.dispatchEvent(new Event('x'));
  assertDeepEquals(order, [1]);
}

export function dispatchingTwiceThrowsInvalidState() {
  const t = new EventTarget();
  const e = new Event('x');
  let inner;
  t.addEventListener('x', () => {
    try {
      t.dispatchEvent(e);
    } catch (err) {
      inner = err;
    }
  });
  t.dispatchEvent(e);
  assert(inner instanceof DOMException);
  assertEquals(inner.name, 'InvalidStateError');
  // Redispatching after dispatch ends is fine.
  assertEquals(t.dispatchEvent(e), true);
}

export function argumentValidation() {
  const t = new EventTarget();
  assertThrows(() => t.addEventListener('x'), TypeError);
  assertThrows(() => t.addEventListener('x', 5), TypeError);
  assertThrows(() => t.dispatchEvent({ type: 'x' }), TypeError);
  assertThrows(() => t.addEventListener('x', () => {}, { signal: {} }), TypeError);
  assertThrows(() => EventTarget.prototype.addEventListener.call({}, 'x', () => {}), TypeError);
  t.addEventListener('x', null);
  t.addEventListener('x', undefined);
}

export function signalOptionRemovesListener() {
  const t = new EventTarget();
  const controller = new AbortController();
  let count = 0;
  t.addEventListener('x', () => count++, { signal: controller.signal });
  t.dispatchEvent(new Event('x'));
  controller.abort();
  t.dispatchEvent(new Event('x'));
  assertEquals(count, 1);
  t.addEventListener('x', () => count++, { signal: controller.signal });
  t.dispatchEvent(new Event('x'));
  assertEquals(count, 1);
}

export function subclassingEventTarget() {
  class Emitter extends EventTarget {
    fire() {
      return this.dispatchEvent(new CustomEvent('hello', { detail: 42 }));
    }
  }
  const em = new Emitter();
  let detail;
  em.addEventListener('hello', (e) => { detail = e.detail; });
  em.fire();
  assertEquals(detail, 42);
}

export function customEvent() {
  const e = new CustomEvent('c', { detail: { a: 1 }, bubbles: true });
  assertEquals(e.detail.a, 1);
  assertEquals(e.bubbles, true);
  assert(e instanceof Event);
  assertEquals(new CustomEvent('c').detail, null);
  assertEquals(Object.prototype.toString.call(e), '[object CustomEvent]');
  assertThrows(() => new CustomEvent(), TypeError);
  e.initCustomEvent('d', false, false, 7);
  assertEquals(e.type, 'd');
  assertEquals(e.detail, 7);
}

export function abortControllerBasics() {
  const controller = new AbortController();
  const signal = controller.signal;
  assertEquals(signal.aborted, false);
  assertEquals(signal.reason, undefined);
  signal.throwIfAborted();
  let events = 0;
  let handler = 0;
  signal.addEventListener('abort', (e) => {
    events++;
    assertEquals(e.type, 'abort');
    assertEquals(e.isTrusted, false);
  });
  signal.onabort = () => handler++;
  controller.abort();
  controller.abort();
  assertEquals(events, 1);
  assertEquals(handler, 1);
  assertEquals(signal.aborted, true);
  assert(signal.reason instanceof DOMException);
  assertEquals(signal.reason.name, 'AbortError');
  assertEquals(signal.reason.message, 'This operation was aborted');
  const thrown = assertThrows(() => signal.throwIfAborted(), DOMException, 'AbortError');
  assertEquals(thrown, signal.reason);
}

export function abortWithCustomReason() {
  const controller = new AbortController();
  const reason = new Error('because');
  controller.abort(reason);
  assertEquals(controller.signal.reason, reason);
  const c2 = new AbortController();
  c2.abort('text');
  assertEquals(c2.signal.reason, 'text');
  try {
    c2.signal.throwIfAborted();
    assert(false);
  } catch (e) {
    assertEquals(e, 'text');
  }
}

export function onabortHandlerAttribute() {
  const controller = new AbortController();
  const signal = controller.signal;
  assertEquals(signal.onabort, null);
  const fn = () => {};
  signal.onabort = fn;
  assertEquals(signal.onabort, fn);
  signal.onabort = 5;
  assertEquals(signal.onabort, null);
  let called = false;
  signal.onabort = function (e) {
    called = this === signal && e.type === 'abort';
  };
  controller.abort();
  assert(called);
}

export function abortSignalNotConstructible() {
  assertThrows(() => new AbortSignal(), TypeError);
  assertEquals(Object.prototype.toString.call(new AbortController().signal), '[object AbortSignal]');
  assert(new AbortController().signal instanceof EventTarget);
}

export function staticAbort() {
  const s = AbortSignal.abort();
  assertEquals(s.aborted, true);
  assertEquals(s.reason.name, 'AbortError');
  assertEquals(AbortSignal.abort('r').reason, 'r');
}

export async function staticTimeout() {
  const s = AbortSignal.timeout(5);
  assertEquals(s.aborted, false);
  const event = await new Promise((resolve) => s.addEventListener('abort', resolve));
  assertEquals(event.type, 'abort');
  assertEquals(s.aborted, true);
  assert(s.reason instanceof DOMException);
  assertEquals(s.reason.name, 'TimeoutError');
  assertThrows(() => AbortSignal.timeout(-1), TypeError);
  assertThrows(() => AbortSignal.timeout(NaN), TypeError);
  assertThrows(() => AbortSignal.timeout(), TypeError);
}

export function staticAny() {
  const a = new AbortController();
  const b = new AbortController();
  const any = AbortSignal.any([a.signal, b.signal]);
  const nested = AbortSignal.any([any]);
  assertEquals(any.aborted, false);
  const order = [];
  any.addEventListener('abort', () => order.push('any'));
  nested.addEventListener('abort', () => order.push('nested'));
  b.abort('B');
  assertEquals(any.aborted, true);
  assertEquals(any.reason, 'B');
  assertEquals(nested.reason, 'B');
  assertDeepEquals(order, ['any', 'nested']);
  a.abort('A');
  assertEquals(any.reason, 'B');
}

export function staticAnyAlreadyAborted() {
  const s = AbortSignal.any([new AbortController().signal, AbortSignal.abort('x')]);
  assertEquals(s.aborted, true);
  assertEquals(s.reason, 'x');
  assertEquals(AbortSignal.any([]).aborted, false);
  assertThrows(() => AbortSignal.any([{}]), TypeError);
  assertThrows(() => AbortSignal.any(5), TypeError);
}

export async function abortEventListenerPromise() {
  const controller = new AbortController();
  const p = new Promise((resolve, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason));
  });
  controller.abort();
  await assertRejects(p, DOMException, 'AbortError');
}
