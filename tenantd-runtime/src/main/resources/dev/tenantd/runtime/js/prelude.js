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

// Joins byte chunks (Uint8Arrays) of `total` bytes; a single chunk is returned as is.
function concatBytes(chunks, total) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

// In a flat [name, value, name, value, ...] list, makes `value` the only entry
// named `name`: the first such entry is replaced in place, later ones removed,
// and the entry appended when there was none (Headers and FormData `set`).
function setInPairList(list, name, value) {
  let found = false;
  let j = 0;
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === name) {
      if (found) continue;
      found = true;
      list[j++] = name;
      list[j++] = value;
    } else {
      list[j++] = list[i];
      list[j++] = list[i + 1];
    }
  }
  list.length = j;
  if (!found) list.push(name, value);
}
