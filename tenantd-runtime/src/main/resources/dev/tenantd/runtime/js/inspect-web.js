// How console and util.inspect show the runtime's Web objects: what they hold
// (a Headers' entries, a Request's method and URL), where the generic rendering of
// an object's own enumerable properties shows `Headers {}`. The [inspect] part,
// loaded the first time a log line renders one of them.
//
// Defined for others:
//   inspect_web(value, tag, render) -> the text for a value whose Symbol.toStringTag
//       is `tag`, or undefined when it is not one of the runtime's objects of that
//       name (a worker's own object with the same tag). `render(v)` renders a value
//       inside it the way the caller renders nested values.
//
// Each object is read through its class's own getters, which fail for anything
// else; a worker that replaced them gets its replacements, in its own log.

function inspect_getter(proto, name) {
  const descriptor = ObjectGetOwnPropertyDescriptor(proto, name);
  return descriptor !== undefined && typeof descriptor.get === 'function' ? uncurryThis(descriptor.get) : null;
}

// `body` is read from the object's own state, not its getter: reading the getter makes the
// stream, and a request whose body was made that way cannot be passed through unread.
const inspect_fields = {
  Request: ['method', 'url', 'headers', 'redirect', 'cf', 'body', 'bodyUsed'],
  Response: ['status', 'statusText', 'ok', 'redirected', 'url', 'headers', 'body', 'bodyUsed'],
  Blob: ['size', 'type'],
  File: ['name', 'lastModified', 'size', 'type'],
};

const inspect_classes = { Request, Response, Blob, File };
// Taken when the part loads; a worker that replaced it gets its replacement, in its own log.
const inspect_decodeURIComponent = globalThis.decodeURIComponent;

// What a body that is there shows as (its stream is made only when the worker asks for it).
const inspect_stream = ObjectCreate(ObjectCreate(null, {
  constructor: { value: class ReadableStream {} },
  [SymbolToStringTag]: { value: 'ReadableStream' },
}));

// name -> [[field, getter], ...], the getters taken when the part loads.
const inspect_readers = new SafeMap();
const inspect_names = ObjectKeys(inspect_fields);
for (let n = 0; n < inspect_names.length; n++) {
  const name = inspect_names[n];
  const list = [];
  const fields = inspect_fields[name];
  for (let i = 0; i < fields.length; i++) {
    if (fields[i] === 'body') {
      const bodyOf = name === 'Request' ? body_ofRequest : body_ofResponse;
      list[list.length] = ['body', (value) => {
        const body = bodyOf(value);
        if (body === undefined) throw new TypeError('not a body');
        return body.source === null ? null : inspect_stream;
      }];
      continue;
    }
    let proto = inspect_classes[name].prototype;
    let get = null;
    while (get === null && proto !== null) {
      get = inspect_getter(proto, fields[i]);
      proto = ObjectGetPrototypeOf(proto);
    }
    if (get !== null) list[list.length] = [fields[i], get];
  }
  inspect_readers.set(name, list);
}

function inspect_fieldsOf(value, tag, render) {
  const readers = inspect_readers.get(tag);
  let body = '';
  for (let i = 0; i < readers.length; i++) {
    const field = readers[i][0];
    const v = readers[i][1](value); // throws for anything that is not one of the runtime's
    // A Request's cf is there only when it came from the network or was given one.
    if (field === 'cf' && v === undefined) continue;
    body += `${body === '' ? '' : ', '}${field}: ${render(v)}`;
  }
  return `${tag} { ${body} }`;
}

function inspect_pairs(tag, pairs, render, count) {
  let body = '';
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    body += `${body === '' ? '' : ', '}${render(pairs[i])} => ${render(pairs[i + 1])}`;
  }
  const prefix = count ? `${tag}(${pairs.length / 2})` : tag;
  return body === '' ? `${prefix} {}` : `${prefix} { ${body} }`;
}

// An application/x-www-form-urlencoded serialization back into its name-value pairs.
function inspect_formPairs(serialized) {
  const pairs = [];
  if (serialized === '') return pairs;
  const pieces = stringSplit(serialized, '&');
  for (let i = 0; i < pieces.length; i++) {
    const eq = StringPrototypeIndexOf(pieces[i], '=');
    pairs[pairs.length] = inspect_formDecode(eq < 0 ? pieces[i] : StringPrototypeSlice(pieces[i], 0, eq));
    pairs[pairs.length] = inspect_formDecode(eq < 0 ? '' : StringPrototypeSlice(pieces[i], eq + 1));
  }
  return pairs;
}

function inspect_formDecode(text) {
  let plain = '';
  for (let i = 0; i < text.length; i++) plain += text[i] === '+' ? ' ' : text[i];
  return inspect_decodeURIComponent(plain);
}

function inspect_web(value, tag, render) {
  try {
    switch (tag) {
      case 'Headers':
        return inspect_pairs(tag, headersToFlat(value), render, true);
      case 'URLSearchParams': {
        const serialized = urlSearchParamsString(value);
        return serialized === null ? undefined : inspect_pairs(tag, inspect_formPairs(serialized), render, false);
      }
      case 'FormData':
        return inspect_pairs(tag, fd_listOf(value), render, false);
      case 'Request':
      case 'Response':
      case 'Blob':
      case 'File':
        return inspect_fieldsOf(value, tag, render);
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}
