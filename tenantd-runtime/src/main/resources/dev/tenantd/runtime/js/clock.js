// The clock a worker sees. Time does not pass during a turn, as on Workers (a
// timer that advances while code runs is a tool for timing attacks): Date.now(),
// new Date() and performance.now() read the moment the current turn began, which
// the host hands in with the call that starts the turn, so the clock advances only
// across I/O (a subrequest's answer, a timer). performance.now() counts from the
// start of the invocation the turn belongs to, 0 in its first turn, and
// performance.timeOrigin is that start as a time since the epoch.
//
// Defines for others:
//   clock_turn(epochMs, sinceStartMs)  a turn begins: the host's time, and how long
//                                      ago its invocation started
//   clock_now()                        milliseconds since the epoch (Date.now())
//   clock_elapsed()                    milliseconds since the invocation began
//                                      (performance.now())
// It replaces Date (its `now`, and construction without arguments), the other
// readers of the current time (Intl.DateTimeFormat's format() and formatToParts()
// without a date) and defines `performance` before any worker code runs. (Temporal,
// the other reader, is off: JsEngine's flags.)

let clock_epoch = DateNow();
let clock_sinceStart = 0;

function clock_turn(epochMs, sinceStartMs) {
  clock_epoch = epochMs;
  clock_sinceStart = sinceStartMs;
}

function clock_now() {
  return clock_epoch;
}

function clock_elapsed() {
  return clock_sinceStart;
}

{
  const OriginalDate = Date;
  const FrozenDate = new Proxy(OriginalDate, {
    __proto__: null,
    apply() {
      return DatePrototypeToString(new OriginalDate(clock_epoch));
    },
    construct(target, args, newTarget) {
      return args.length === 0
        ? ReflectConstruct(target, [clock_epoch], newTarget)
        : ReflectConstruct(target, args, newTarget);
    },
  });
  ObjectDefineProperty(OriginalDate, 'now', {
    value: function now() { return clock_epoch; },
    writable: true,
    configurable: true,
    enumerable: false,
  });
  ObjectDefineProperty(OriginalDate.prototype, 'constructor', {
    value: FrozenDate,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  defineGlobal('Date', FrozenDate);
}

{
  const dateTimeFormat = Intl.DateTimeFormat.prototype;
  const formatGetter = ObjectGetOwnPropertyDescriptor(dateTimeFormat, 'format').get;
  const formatToParts = dateTimeFormat.formatToParts;
  // The getter hands out one bound function per formatter, as the original does.
  const frozenFormats = new SafeWeakMap();
  const accessors = {
    get format() {
      const format = ReflectApply(formatGetter, this, []);
      let frozen = frozenFormats.get(format);
      if (frozen === undefined) {
        frozen = [(date) => format(date === undefined ? clock_epoch : date)][0];
        frozenFormats.set(format, frozen);
      }
      return frozen;
    },
    formatToParts(date) {
      return ReflectApply(formatToParts, this, [date === undefined ? clock_epoch : date]);
    },
  };
  ObjectDefineProperty(dateTimeFormat, 'format', {
    get: ObjectGetOwnPropertyDescriptor(accessors, 'format').get,
    enumerable: false,
    configurable: true,
  });
  ObjectDefineProperty(dateTimeFormat, 'formatToParts', {
    value: accessors.formatToParts,
    writable: true,
    enumerable: false,
    configurable: true,
  });
}

class Performance {
  constructor(token) {
    if (token !== clock_token) throw new TypeError('Illegal constructor');
  }

  now() {
    return clock_sinceStart;
  }

  get timeOrigin() {
    return clock_epoch - clock_sinceStart;
  }

  toJSON() {
    return { timeOrigin: clock_epoch - clock_sinceStart };
  }
}
const clock_token = Symbol('Performance');
webIdlClass(Performance);
defineGlobal('Performance', Performance);
defineGlobal('performance', new Performance(clock_token));
