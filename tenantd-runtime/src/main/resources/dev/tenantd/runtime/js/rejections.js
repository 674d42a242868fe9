// Promises rejected with no handler, as Workers report them: once a turn's microtasks are done,
// each promise still unhandled fires an `unhandledrejection` event at the global scope
// (addEventListener('unhandledrejection', ...)), and unless a listener calls preventDefault()
// the reason is logged as "Uncaught (in promise)". A promise given a handler after that fires
// `rejectionhandled`. The host (UnhandledRejections) keeps track of the promises between the
// engine's notice and the end of the turn.
//
// Shared: rejections_listeners(type), the listener list of one of the two event types (or null),
// for the global addEventListener in worker.js.

class PromiseRejectionEvent extends Event {
  #promise;
  #reason;

  constructor(type, init) {
    requireArguments(arguments.length, 2, "Failed to construct 'PromiseRejectionEvent'");
    super(type, init);
    if (init === null || typeof init !== 'object' || !('promise' in init)) {
      throw new TypeError("Failed to construct 'PromiseRejectionEvent': required member promise is undefined.");
    }
    this.#promise = init.promise;
    this.#reason = init.reason;
  }

  get promise() {
    return this.#promise;
  }

  get reason() {
    return this.#reason;
  }
}
webIdlClass(PromiseRejectionEvent);
defineGlobal('PromiseRejectionEvent', PromiseRejectionEvent);

const rejections_unhandled = [];
const rejections_handled = [];
/** Promises reported unhandled, so that a handler added later is reported too. */
const rejections_reported = new SafeWeakSet();
const rejections_defaultPrevented = uncurryThis(ObjectGetOwnPropertyDescriptor(Event.prototype, 'defaultPrevented').get);

function rejections_listeners(type) {
  return type === 'unhandledrejection' ? rejections_unhandled : type === 'rejectionhandled' ? rejections_handled : null;
}

function rejections_dispatch(listeners, event) {
  const now = ArrayPrototypeSlice(listeners);
  for (let i = 0; i < now.length; i++) {
    const listener = now[i];
    try {
      if (typeof listener === 'function') ReflectApply(listener, globalThis, [event]);
      else listener.handleEvent(event);
    } catch (error) {
      reportError(error);
    }
  }
}

// kind: 0 when `promise` is still unhandled at the end of a turn; 3 when it still is after its
// event (a listener may have handled it), so that a handler given later is reported; 1 when it
// was given one after that; 2 when `reason` more were rejected in the turn than the host keeps
// (`promise` is then true when so many were rejected that the count is an upper bound).
entryPoints.promiseRejection = function promiseRejection(kind, promise, reason) {
  if (kind === 2) {
    console_emit('error', [`Uncaught (in promise): ${promise === true ? 'up to ' : ''}${reason} more promises were `
      + 'rejected with no handler in this turn than are reported one by one.']);
    return;
  }
  if (kind === 3) {
    rejections_reported.add(promise);
    return;
  }
  if (kind === 1) {
    if (!rejections_reported.has(promise)) return;
    rejections_reported.delete(promise);
    rejections_dispatch(rejections_handled, new PromiseRejectionEvent('rejectionhandled', { promise, reason }));
    return;
  }
  const event = new PromiseRejectionEvent('unhandledrejection', { promise, reason, cancelable: true });
  rejections_dispatch(rejections_unhandled, event);
  if (!rejections_defaultPrevented(event)) console_emit('error', ['Uncaught (in promise)', reason]);
};
