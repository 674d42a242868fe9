// Shared by every runtime file: how globals are installed and how spec errors
// are made. `host` is the only channel to Java; it never becomes a global.

function defineGlobal(name, value) {
  Object.defineProperty(globalThis, name, {
    value,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

// Marks methods and accessors of a Web IDL class as non-enumerable the way
// browsers expose them, and sets Symbol.toStringTag.
function webIdlClass(cls, tag) {
  Object.defineProperty(cls.prototype, Symbol.toStringTag, {
    value: tag ?? cls.name,
    configurable: true,
  });
  return cls;
}

function webIdlToString(value, what) {
  if (typeof value === 'symbol') {
    throw new TypeError(`Cannot convert a Symbol value to a string (${what})`);
  }
  return String(value);
}

function requireArguments(count, needed, where) {
  if (count < needed) {
    throw new TypeError(
      `${where}: ${needed} argument${needed === 1 ? '' : 's'} required, but only ${count} present.`);
  }
}
