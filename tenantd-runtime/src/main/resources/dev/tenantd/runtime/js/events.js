// Event, CustomEvent, EventTarget, AbortController and AbortSignal per the DOM
// Standard, plus the global reportError(). Our targets have no parents, so an
// event's path is just its target and dispatch runs the at-target phase only.
//
// Shared with other files (the runtime's own use of signals, which a worker
// changing AbortSignal.prototype or EventTarget.prototype does not reach):
//   reportError(error)
//   events_newSignal()                        a new AbortSignal
//   events_isAbortSignal(value)
//   events_signalAborted(signal), events_signalReason(signal)
//   events_addAbortAlgorithm(signal, fn), events_removeAbortAlgorithm(signal, fn)

// Shared: reports an exception the way listener errors are reported; the
// runtime has no global error event, so it goes to the console. Never throws.
function reportError(error) {
  requireArguments(arguments.length, 1, "Failed to execute 'reportError'");
  try {
    const console = globalThis.console;
    if (console && typeof console.error === 'function') console.error(error);
  } catch {
    // Reporting must not fail the caller.
  }
}

// Gives dispatch access to an event's internal state.
let events_state;

function events_dictionary(value, what) {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' && typeof value !== 'function') {
    throw new TypeError(`${what}: The provided value is not of type 'object'.`);
  }
  return value;
}

class Event {
  #s;

  constructor(type, eventInitDict = undefined) {
    requireArguments(arguments.length, 1, "Failed to construct 'Event'");
    type = webIdlToString(type, 'Event type');
    const init = events_dictionary(eventInitDict, "Failed to construct 'Event'");
    this.#s = {
      type,
      bubbles: !!init.bubbles,
      cancelable: !!init.cancelable,
      composed: !!init.composed,
      target: null,
      currentTarget: null,
      eventPhase: 0,
      canceled: false,
      stopPropagation: false,
      stopImmediate: false,
      inPassiveListener: false,
      dispatching: false,
      initialized: true,
      trusted: false,
      timeStamp: clock_now(),
    };
    ObjectDefineProperty(this, 'isTrusted', events_isTrustedDescriptor);
  }

  static {
    events_state = (event) => {
      if (event === null || typeof event !== 'object' || !(#s in event)) {
        throw new TypeError("The provided value is not of type 'Event'.");
      }
      return event.#s;
    };
  }

  get type() { return events_state(this).type; }
  get target() { return events_state(this).target; }
  get srcElement() { return events_state(this).target; }
  get currentTarget() { return events_state(this).currentTarget; }
  get eventPhase() { return events_state(this).eventPhase; }
  get bubbles() { return events_state(this).bubbles; }
  get cancelable() { return events_state(this).cancelable; }
  get composed() { return events_state(this).composed; }
  get defaultPrevented() { return events_state(this).canceled; }
  get timeStamp() { return events_state(this).timeStamp; }

  composedPath() {
    const s = events_state(this);
    return s.currentTarget === null ? [] : [s.currentTarget];
  }

  stopPropagation() {
    events_state(this).stopPropagation = true;
  }

  get cancelBubble() { return events_state(this).stopPropagation; }
  set cancelBubble(value) {
    if (value) events_state(this).stopPropagation = true;
  }

  stopImmediatePropagation() {
    const s = events_state(this);
    s.stopPropagation = true;
    s.stopImmediate = true;
  }

  preventDefault() {
    events_cancel(events_state(this));
  }

  get returnValue() { return !events_state(this).canceled; }
  set returnValue(value) {
    if (!value) events_cancel(events_state(this));
  }

  initEvent(type, bubbles = false, cancelable = false) {
    requireArguments(arguments.length, 1, "Failed to execute 'initEvent' on 'Event'");
    const s = events_state(this);
    if (s.dispatching) return;
    s.initialized = true;
    s.stopPropagation = false;
    s.stopImmediate = false;
    s.canceled = false;
    s.target = null;
    s.type = webIdlToString(type, 'Event type');
    s.bubbles = !!bubbles;
    s.cancelable = !!cancelable;
  }
}

function events_cancel(s) {
  if (s.cancelable && !s.inPassiveListener) s.canceled = true;
}

// isTrusted is [LegacyUnforgeable]: an own accessor on every instance. Events
// made by scripts are never trusted; those the runtime dispatches itself (an
// AbortSignal's abort) are.
const events_isTrustedDescriptor = {
  get: function isTrusted() {
    return events_state(this).trusted;
  },
  enumerable: true,
  configurable: false,
};

{
  const phases = ['NONE', 'CAPTURING_PHASE', 'AT_TARGET', 'BUBBLING_PHASE'];
  for (let value = 0; value < phases.length; value++) {
    const desc = { value, writable: false, enumerable: true, configurable: false };
    ObjectDefineProperty(Event, phases[value], desc);
    ObjectDefineProperty(Event.prototype, phases[value], desc);
  }
  webIdlClass(Event);
  defineGlobal('Event', Event);
}

class CustomEvent extends Event {
  #detail;

  constructor(type, eventInitDict = undefined) {
    requireArguments(arguments.length, 1, "Failed to construct 'CustomEvent'");
    super(type, eventInitDict);
    const init = events_dictionary(eventInitDict, "Failed to construct 'CustomEvent'");
    this.#detail = init.detail === undefined ? null : init.detail;
  }

  get detail() {
    return this.#detail;
  }

  initCustomEvent(type, bubbles = false, cancelable = false, detail = null) {
    requireArguments(arguments.length, 1, "Failed to execute 'initCustomEvent' on 'CustomEvent'");
    if (events_state(this).dispatching) return;
    this.initEvent(type, bubbles, cancelable);
    this.#detail = detail;
  }
}
webIdlClass(CustomEvent);
defineGlobal('CustomEvent', CustomEvent);

// Gives AbortSignal and dispatch access to a target's listener list.
let events_listeners;

class EventTarget {
  // Map of type -> array of listener records {callback, capture, once,
  // passive, signal, removed}; arrays are replaced, never mutated in place,
  // so a dispatch in progress keeps its snapshot.
  #listeners = new SafeMap();

  static {
    events_listeners = (target) => {
      if (target === null || typeof target !== 'object' || !(#listeners in target)) {
        throw new TypeError('Illegal invocation');
      }
      return target.#listeners;
    };
  }

  addEventListener(type, callback, options = undefined) {
    requireArguments(arguments.length, 2, "Failed to execute 'addEventListener' on 'EventTarget'");
    const map = events_listeners(this);
    type = webIdlToString(type, 'event type');
    const flags = events_flattenOptions(options, true);
    if (callback === null || callback === undefined) return;
    if (typeof callback !== 'object' && typeof callback !== 'function') {
      throw new TypeError(
        "Failed to execute 'addEventListener' on 'EventTarget': parameter 2 is not of type 'Object'.");
    }
    if (flags.signal && events_signalAborted(flags.signal)) return;
    const list = map.get(type) ?? [];
    for (let i = 0; i < list.length; i++) {
      if (list[i].callback === callback && list[i].capture === flags.capture) return;
    }
    const listener = {
      callback,
      capture: flags.capture,
      once: flags.once,
      passive: flags.passive,
      removed: false,
    };
    const next = copyList(list);
    next[next.length] = listener;
    map.set(type, next);
    if (flags.signal) {
      events_addAbortAlgorithm(flags.signal, () => events_removeListener(this, type, listener));
    }
  }

  removeEventListener(type, callback, options = undefined) {
    requireArguments(arguments.length, 2, "Failed to execute 'removeEventListener' on 'EventTarget'");
    const map = events_listeners(this);
    type = webIdlToString(type, 'event type');
    const { capture } = events_flattenOptions(options, false);
    const list = map.get(type);
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      if (list[i].callback === callback && list[i].capture === capture) {
        events_removeListener(this, type, list[i]);
        return;
      }
    }
  }

  dispatchEvent(event) {
    requireArguments(arguments.length, 1, "Failed to execute 'dispatchEvent' on 'EventTarget'");
    events_listeners(this);
    const s = events_state(event);
    if (s.dispatching || !s.initialized) {
      throw domException(
        "Failed to execute 'dispatchEvent' on 'EventTarget': The event is already being dispatched.",
        'InvalidStateError');
    }
    return events_dispatch(this, event, s);
  }
}
webIdlClass(EventTarget);
defineGlobal('EventTarget', EventTarget);
const events_addEventListener = EventTarget.prototype.addEventListener;
const events_removeEventListener = EventTarget.prototype.removeEventListener;

function events_flattenOptions(options, full) {
  const result = { capture: false, once: false, passive: false, signal: null };
  if (typeof options === 'boolean' || options === undefined || options === null
      || (typeof options !== 'object' && typeof options !== 'function')) {
    result.capture = !!options;
    return result;
  }
  result.capture = !!options.capture;
  if (!full) return result;
  result.once = !!options.once;
  result.passive = !!options.passive;
  const signal = options.signal;
  if (signal !== undefined) {
    if (!events_signals.has(signal)) {
      throw new TypeError(
        "Failed to execute 'addEventListener' on 'EventTarget': member signal is not of type AbortSignal.");
    }
    result.signal = signal;
  }
  return result;
}

function events_removeListener(target, type, listener) {
  const map = events_listeners(target);
  const list = map.get(type);
  listener.removed = true;
  if (!list) return;
  const next = [];
  for (let i = 0; i < list.length; i++) {
    if (list[i] !== listener) next[next.length] = list[i];
  }
  if (next.length) map.set(type, next);
  else map.delete(type);
}

function events_dispatch(target, event, s) {
  s.dispatching = true;
  s.target = target;
  s.currentTarget = target;
  s.eventPhase = 2;
  try {
    const list = events_listeners(target).get(s.type);
    if (list) {
      // At the target, capturing listeners run before non-capturing ones.
      events_invoke(target, event, s, list, true);
      events_invoke(target, event, s, list, false);
    }
  } finally {
    s.eventPhase = 0;
    s.currentTarget = null;
    s.dispatching = false;
    s.stopPropagation = false;
    s.stopImmediate = false;
  }
  return !s.canceled;
}

function events_invoke(target, event, s, list, capturePhase) {
  if (s.stopPropagation) return;
  for (let i = 0; i < list.length; i++) {
    const listener = list[i];
    if (listener.removed || listener.capture !== capturePhase) continue;
    if (listener.once) events_removeListener(target, s.type, listener);
    if (listener.passive) s.inPassiveListener = true;
    try {
      const callback = listener.callback;
      if (typeof callback === 'function') {
        ReflectApply(callback, target, [event]);
      } else {
        const handleEvent = callback.handleEvent;
        if (typeof handleEvent !== 'function') {
          throw new TypeError("The provided callback's 'handleEvent' property is not callable.");
        }
        ReflectApply(handleEvent, callback, [event]);
      }
    } catch (error) {
      reportError(error);
    }
    s.inPassiveListener = false;
    if (s.stopImmediate) return;
  }
}

// Event handler IDL attributes (onabort): the handler is one listener that is
// registered when first set and keeps its place while replaced.
function events_defineHandler(cls, name) {
  const type = StringPrototypeSlice(name, 2);
  const handlers = new SafeWeakMap();
  ObjectDefineProperty(cls.prototype, name, {
    get() {
      events_listeners(this);
      return handlers.get(this)?.value ?? null;
    },
    set(value) {
      events_listeners(this);
      const fn = typeof value === 'function' || (value !== null && typeof value === 'object') ? value : null;
      let record = handlers.get(this);
      if (fn === null) {
        if (record) {
          ReflectApply(events_removeEventListener, this, [type, record.listener]);
          handlers.delete(this);
        }
        return;
      }
      if (!record) {
        record = { value: fn, listener: null };
        record.listener = function (event) {
          const handler = record.value;
          if (typeof handler !== 'function') return;
          const result = ReflectApply(handler, this, [event]);
          if (result === false) event.preventDefault();
        };
        handlers.set(this, record);
        ReflectApply(events_addEventListener, this, [type, record.listener]);
      } else {
        record.value = fn;
      }
    },
    enumerable: true,
    configurable: true,
  });
}

// Internal state of AbortSignals; only this file creates them.
const events_signals = new SafeWeakMap();
const events_constructToken = Symbol('AbortSignal');

class AbortSignal extends EventTarget {
  constructor(token = undefined) {
    if (token !== events_constructToken) throw new TypeError('Illegal constructor');
    super();
    events_signals.set(this, {
      aborted: false,
      reason: undefined,
      algorithms: [],
      dependent: false,
      sources: [],
      dependents: [],
    });
  }

  static abort(reason = undefined) {
    const signal = events_newSignal();
    const s = events_signals.get(signal);
    s.aborted = true;
    s.reason = reason !== undefined ? reason : events_defaultAbortReason();
    return signal;
  }

  static timeout(milliseconds) {
    requireArguments(arguments.length, 1, "Failed to execute 'timeout' on 'AbortSignal'");
    const ms = events_enforceRangeULL(milliseconds, "Failed to execute 'timeout' on 'AbortSignal'");
    const signal = events_newSignal();
    timers_arm(() => {
      events_signalAbort(signal, domException('signal timed out', 'TimeoutError'));
    }, ms, [], false);
    return signal;
  }

  static any(signals) {
    requireArguments(arguments.length, 1, "Failed to execute 'any' on 'AbortSignal'");
    if (signals === null || (typeof signals !== 'object' && typeof signals !== 'function')
        || typeof signals[SymbolIterator] !== 'function') {
      throw new TypeError("Failed to execute 'any' on 'AbortSignal': The provided value cannot be converted to a sequence.");
    }
    const list = [];
    for (const signal of signals) {
      if (!events_signals.has(signal)) {
        throw new TypeError("Failed to execute 'any' on 'AbortSignal': Failed to convert value to 'AbortSignal'.");
      }
      list[list.length] = signal;
    }
    const result = events_newSignal();
    const rs = events_signals.get(result);
    for (let i = 0; i < list.length; i++) {
      const s = events_signals.get(list[i]);
      if (s.aborted) {
        rs.aborted = true;
        rs.reason = s.reason;
        return result;
      }
    }
    rs.dependent = true;
    for (let i = 0; i < list.length; i++) {
      const s = events_signals.get(list[i]);
      const sources = s.dependent ? s.sources : [list[i]];
      for (let j = 0; j < sources.length; j++) {
        const source = sources[j];
        if (ArrayPrototypeIncludes(rs.sources, source)) continue;
        rs.sources[rs.sources.length] = source;
        const dependents = events_signals.get(source).dependents;
        dependents[dependents.length] = result;
      }
    }
    return result;
  }

  get aborted() {
    return events_signalState(this).aborted;
  }

  get reason() {
    return events_signalState(this).reason;
  }

  throwIfAborted() {
    const s = events_signalState(this);
    if (s.aborted) throw s.reason;
  }
}
events_defineHandler(AbortSignal, 'onabort');
webIdlClass(AbortSignal);
defineGlobal('AbortSignal', AbortSignal);

function events_newSignal() {
  return new AbortSignal(events_constructToken);
}

function events_signalState(signal) {
  const s = events_signals.get(signal);
  if (!s) throw new TypeError('Illegal invocation');
  return s;
}

function events_defaultAbortReason() {
  return domException('This operation was aborted', 'AbortError');
}

function events_enforceRangeULL(value, what) {
  const n = Number(value);
  if (!NumberIsFinite(n)) throw new TypeError(`${what}: Value is not a finite number.`);
  const t = MathTrunc(n);
  if (t < 0 || t > Number.MAX_SAFE_INTEGER) {
    throw new TypeError(`${what}: Value is outside the 'unsigned long long' value range.`);
  }
  return t;
}

function events_addAbortAlgorithm(signal, algorithm) {
  const s = events_signals.get(signal);
  if (s.aborted) return;
  s.algorithms[s.algorithms.length] = algorithm;
}

function events_removeAbortAlgorithm(signal, algorithm) {
  const algorithms = events_signals.get(signal).algorithms;
  const at = ArrayPrototypeIndexOf(algorithms, algorithm);
  if (at >= 0) removeFromList(algorithms, at);
}

function events_isAbortSignal(value) {
  return events_signals.has(value);
}

function events_signalAborted(signal) {
  return events_signalState(signal).aborted;
}

function events_signalReason(signal) {
  return events_signalState(signal).reason;
}

function events_signalAbort(signal, reason) {
  const s = events_signals.get(signal);
  if (s.aborted) return;
  s.aborted = true;
  s.reason = reason !== undefined ? reason : events_defaultAbortReason();
  const toAbort = [];
  const dependents = s.dependents;
  for (let i = 0; i < dependents.length; i++) {
    const d = events_signals.get(dependents[i]);
    if (!d.aborted) {
      d.aborted = true;
      d.reason = s.reason;
      toAbort[toAbort.length] = dependents[i];
    }
  }
  s.dependents = [];
  events_runAbortSteps(signal);
  for (let i = 0; i < toAbort.length; i++) events_runAbortSteps(toAbort[i]);
}

function events_runAbortSteps(signal) {
  const s = events_signals.get(signal);
  const algorithms = s.algorithms;
  s.algorithms = [];
  for (let i = 0; i < algorithms.length; i++) {
    try {
      algorithms[i]();
    } catch (error) {
      reportError(error);
    }
  }
  // A dependent signal no longer needs its sources once aborted.
  for (let i = 0; i < s.sources.length; i++) {
    const ss = events_signals.get(s.sources[i]);
    const at = ArrayPrototypeIndexOf(ss.dependents, signal);
    if (at >= 0) removeFromList(ss.dependents, at);
  }
  s.sources = [];
  const event = new Event('abort');
  const state = events_state(event);
  state.trusted = true;
  events_dispatch(signal, event, state);
}

class AbortController {
  #signal = events_newSignal();

  get signal() {
    return this.#signal;
  }

  abort(reason = undefined) {
    events_signalAbort(this.#signal, reason);
  }
}
webIdlClass(AbortController);
defineGlobal('AbortController', AbortController);
defineGlobal('reportError', reportError);
