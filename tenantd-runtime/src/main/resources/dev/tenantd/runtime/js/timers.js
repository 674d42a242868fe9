// Timers and microtasks. A timer is scheduled by the host, which posts a turn
// back to this isolate when it is due; the callback runs in that turn.
//
// Shared with other files: timers_arm(callback, delay, args, repeat), timers_fire(id).
// A timer belongs to the invocation that set it (the host keeps track): it is cancelled when
// that invocation ends, and then forgotten here too.

const timers_pending = new SafeMap();
let timers_nextId = 0;

function timers_arm(callback, delay, args, repeat) {
  if (typeof callback !== 'function') {
    throw new TypeError('The "callback" argument must be of type function.');
  }
  // Ids stay small integers (the host takes them as 32-bit ones): after the largest they start
  // again at 1, passing over those still pending.
  let id = timers_nextId;
  do {
    id = id >= 0x7fffffff ? 1 : id + 1;
  } while (timers_pending.has(id));
  timers_nextId = id;
  const ms = MathMax(0, Number(delay) || 0);
  const refused = timers_schedule(id, ms);
  if (refused === 1) {
    throw new Error('Disallowed operation called within global scope: a timer can only be set while handling '
      + 'a request or another event.');
  }
  if (refused === 2) {
    throw new RangeError('Too many timers: at most 10000 may be pending at once in a worker; clear the ones '
      + 'no longer needed.');
  }
  timers_pending.set(id, { callback, args, repeat, ms });
  return id;
}

// host.setTimer answers 0 when set, 1 or 2 when refused, and 3 when set while timers that ended
// with their invocations (the host cancelled them) wait to be forgotten here.
function timers_schedule(id, ms) {
  const answer = host.setTimer(id, ms);
  if (answer !== 3) return answer;
  const dropped = host.takeDroppedTimers();
  for (let from = 0; from < dropped.length;) {
    let to = StringPrototypeIndexOf(dropped, ',', from);
    if (to < 0) to = dropped.length;
    timers_pending.delete(Number(StringPrototypeSlice(dropped, from, to)));
    from = to + 1;
  }
  return 0;
}

// Another invocation's timer is left alone (the host answers 0): only its own invocation clears it.
function timers_cancel(id) {
  const key = Number(id);
  if (timers_pending.has(key) && host.clearTimer(key) === 1) timers_pending.delete(key);
}

function timers_fire(id) {
  const timer = timers_pending.get(id);
  if (!timer) return;
  if (timer.repeat) {
    // It was pending a moment ago, so it fits again; if it did not, the interval would end here.
    if (timers_schedule(id, timer.ms) !== 0) timers_pending.delete(id);
  } else {
    timers_pending.delete(id);
  }
  try {
    ReflectApply(timer.callback, undefined, timer.args);
  } catch (error) {
    reportError(error);
  }
}

defineGlobal('setTimeout', function setTimeout(callback, delay = 0, ...args) {
  return timers_arm(callback, delay, args, false);
});
defineGlobal('setInterval', function setInterval(callback, delay = 0, ...args) {
  return timers_arm(callback, delay, args, true);
});
defineGlobal('clearTimeout', function clearTimeout(id) { timers_cancel(id); });
defineGlobal('clearInterval', function clearInterval(id) { timers_cancel(id); });

// Without a constructor of its own to look up, then() on it always makes a native promise.
const timers_resolved = PromiseResolve();
ObjectDefineProperty(timers_resolved, 'constructor', { value: undefined });
defineGlobal('queueMicrotask', function queueMicrotask(callback) {
  if (typeof callback !== 'function') {
    throw new TypeError("Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.");
  }
  PromisePrototypeThen(timers_resolved, () => {
    try {
      callback();
    } catch (error) {
      reportError(error);
    }
  });
});

// scheduler.wait(ms, {signal}): a promise that resolves after ms, or rejects with the
// signal's reason when it aborts first.
defineGlobal('scheduler', ObjectFreeze({
  wait(ms, options = undefined) {
    const signal = options === undefined || options === null ? undefined : options.signal;
    if (signal !== undefined && !events_isAbortSignal(signal)) {
      return PromiseReject(new TypeError("Failed to execute 'wait' on 'Scheduler': member signal is not of type 'AbortSignal'."));
    }
    if (signal !== undefined && events_signalAborted(signal)) return PromiseReject(events_signalReason(signal));
    return new Promise((resolve, reject) => {
      let onAbort;
      const id = timers_arm(() => {
        if (signal !== undefined) events_removeAbortAlgorithm(signal, onAbort);
        resolve(undefined);
      }, ms, [], false);
      if (signal !== undefined) {
        onAbort = () => {
          timers_cancel(id);
          reject(events_signalReason(signal));
        };
        events_addAbortAlgorithm(signal, onAbort);
      }
    });
  },
}));
