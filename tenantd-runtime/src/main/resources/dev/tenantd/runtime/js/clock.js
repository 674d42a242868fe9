// The clock a worker sees. Time does not pass during a turn, as on Workers (a
// timer that advances while code runs is a tool for timing attacks): Date.now(),
// new Date() and performance.now() read the moment the current turn began, which
// the host hands in with the call that starts the turn, so the clock advances only
// across I/O (a subrequest's answer, a timer). As on Workers, performance.timeOrigin
// is 0 and performance.now() is Date.now(): times a module keeps from one request
// compare with the next request's (caches with a time to live, rate limiters).
//
// Defines for others:
//   clock_turn(epochMs)  a turn begins at the host's time
//   clock_now()          milliseconds since the epoch (Date.now(), performance.now())
// It replaces Date (its `now`, and construction without arguments), the other
// readers of the current time (Intl.DateTimeFormat's format() and formatToParts()
// without a date) and defines `performance` before any worker code runs. (Temporal,
// the other reader, is off: JsEngine's flags.)

let clock_epoch = DateNow();

function clock_turn(epochMs) {
  clock_epoch = epochMs;
}

function clock_now() {
  return clock_epoch;
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
  const formatRange = dateTimeFormat.formatRange;
  const formatRangeToParts = dateTimeFormat.formatRangeToParts;
  // The parts and ranges give U+202F (narrow no-break space) where ICU's data has it, before
  // "AM"/"PM" in English say, while format() gives a plain space there, as V8 replaces it;
  // Workers give the plain space everywhere (Chromium's ICU data is patched), and so does this.
  const plainSpace = (text) => {
    if (!StringPrototypeIncludes(text, '\u202f')) return text;
    let plain = '';
    for (let j = 0; j < text.length; j++) plain += text[j] === '\u202f' ? ' ' : text[j];
    return plain;
  };
  const plainSpaces = (parts) => {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      part.value = plainSpace(part.value);
    }
    return parts;
  };
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
      return plainSpaces(ReflectApply(formatToParts, this, [date === undefined ? clock_epoch : date]));
    },
    formatRange(startDate, endDate) {
      return plainSpace(ReflectApply(formatRange, this, [startDate, endDate]));
    },
    formatRangeToParts(startDate, endDate) {
      return plainSpaces(ReflectApply(formatRangeToParts, this, [startDate, endDate]));
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
  ObjectDefineProperty(dateTimeFormat, 'formatRange', {
    value: accessors.formatRange,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  ObjectDefineProperty(dateTimeFormat, 'formatRangeToParts', {
    value: accessors.formatRangeToParts,
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
    return clock_epoch;
  }

  get timeOrigin() {
    return 0;
  }

  toJSON() {
    return { timeOrigin: 0 };
  }
}
const clock_token = Symbol('Performance');
webIdlClass(Performance);
defineGlobal('Performance', Performance);
defineGlobal('performance', new Performance(clock_token));
