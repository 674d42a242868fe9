// The form bodies' codecs behind FormData (formdata.js has the class and the entry
// points): multipart/form-data (RFC 7578) parsing and serialization, and
// application/x-www-form-urlencoded parsing. The [formdata] part of bootstrap.txt,
// loaded the first time an isolate reads or writes a form body.
//
// Defined for formdata.js:
//   fd_parseMultipart(bytes, contentType), fd_serializeMultipart(formData),
//   fd_parseUrlEncoded(bytes): parseMultipartFormData, serializeMultipartFormData and
//   parseUrlEncodedFormData there

// ---- byte helpers

function fd_toBytes(bytes) {
  if (bytes instanceof Uint8Array) return bytes;
  if (ArrayBufferIsView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (Object.prototype.toString.call(bytes) === '[object ArrayBuffer]') return new Uint8Array(bytes);
  throw new TypeError('Expected bytes.');
}

function fd_indexOf(haystack, needle, from) {
  const first = needle[0];
  const m = needle.length;
  const last = haystack.length - m;
  let i = from;
  while (i <= last) {
    i = haystack.indexOf(first, i);
    if (i < 0 || i > last) return -1;
    let k = 1;
    while (k < m && haystack[i + k] === needle[k]) k++;
    if (k === m) return i;
    i++;
  }
  return -1;
}

function fd_startsWith(haystack, needle, at) {
  if (at + needle.length > haystack.length) return false;
  for (let k = 0; k < needle.length; k++) {
    if (haystack[at + k] !== needle[k]) return false;
  }
  return true;
}

function fd_asciiBytes(string) {
  const out = new Uint8Array(string.length);
  for (let i = 0; i < string.length; i++) out[i] = string.charCodeAt(i);
  return out;
}

// ---- multipart/form-data

function fd_malformed(why) {
  return new TypeError(`Failed to parse body as FormData: ${why}.`);
}

// Undoes the HTML escaping of field names and filenames (%0A, %0D, %22).
function fd_unescapeName(name) {
  return name.indexOf('%') < 0 ? name
    : name.replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%22/g, '"');
}

function fd_parseMultipart(input, contentType) {
  const bytes = fd_toBytes(input);
  const mime = fd_parseMime(contentType ?? '');
  const boundary = mime === null ? undefined : mime.params.get('boundary');
  if (mime === null || mime.essence !== 'multipart/form-data' || !boundary) {
    throw fd_malformed('missing or invalid multipart boundary');
  }
  const delimiter = fetchapi_encode(`--${boundary}`);
  const separator = new Uint8Array(delimiter.length + 2);
  separator[0] = 13;
  separator[1] = 10;
  separator.set(delimiter, 2);

  const formData = new FormData();
  let pos;
  if (fd_startsWith(bytes, delimiter, 0)) {
    pos = delimiter.length;
  } else {
    const at = fd_indexOf(bytes, separator, 0);
    if (at < 0) throw fd_malformed('no boundary found');
    pos = at + separator.length;
  }
  const n = bytes.length;
  for (;;) {
    if (bytes[pos] === 0x2D && bytes[pos + 1] === 0x2D) break; // close delimiter
    while (pos < n && (bytes[pos] === 0x20 || bytes[pos] === 0x09)) pos++; // transport padding
    if (bytes[pos] !== 13 || bytes[pos + 1] !== 10) throw fd_malformed('bad delimiter line');
    pos += 2;
    let headersEnd;
    let bodyStart;
    if (bytes[pos] === 13 && bytes[pos + 1] === 10) {
      headersEnd = pos;
      bodyStart = pos + 2;
    } else {
      headersEnd = fd_indexOf(bytes, fd_CRLF_CRLF, pos);
      if (headersEnd < 0) throw fd_malformed('unterminated part headers');
      bodyStart = headersEnd + 4;
    }
    const next = fd_indexOf(bytes, separator, bodyStart);
    if (next < 0) throw fd_malformed('missing closing boundary');
    fd_addPart(formData, fetchapi_decode(bytes.subarray(pos, headersEnd), false),
      bytes.subarray(bodyStart, next));
    pos = next + separator.length;
  }
  return formData;
}

function fd_addPart(formData, headerText, body) {
  let name = null;
  let filename = null;
  let contentType = null;
  for (const line of headerText.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw fd_malformed('bad part header');
    const headerName = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (headerName === 'content-disposition') {
      // "form-data; name=..." parses like a MIME type with a fake subtype.
      const parsed = fd_parseMime(`x/${value}`, false);
      if (parsed === null || parsed.essence !== 'x/form-data') {
        throw fd_malformed('part is not form-data');
      }
      if (parsed.params.has('name')) name = fd_unescapeName(parsed.params.get('name'));
      if (parsed.params.has('filename')) filename = fd_unescapeName(parsed.params.get('filename'));
    } else if (headerName === 'content-type') {
      contentType = value;
    }
  }
  if (name === null) throw fd_malformed('part without a name');
  if (filename !== null) {
    fd_appendRaw(formData, name, new File([body], filename, { type: contentType ?? 'text/plain' }));
  } else {
    fd_appendRaw(formData, name, fetchapi_decode(body, false));
  }
}

function fd_normalizeNewlines(s) {
  return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace(/\r\n|\r|\n/g, '\r\n');
}

function fd_escapeName(s) {
  return s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
}

function fd_randomBoundary() {
  const bytes = new Uint8Array(12);
  try {
    crypto.getRandomValues(bytes);
  } catch {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  let out = '----TenantdFormBoundary';
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16);
  return out;
}

function fd_serializeMultipart(formData) {
  const list = fd_listOf(formData);
  const boundary = fd_randomBoundary();
  const parts = [];
  let total = 0;
  let syncBytes = true;
  let text = '';
  const flushText = () => {
    if (text !== '') {
      const chunk = fetchapi_encode(text);
      parts.push(chunk);
      total += chunk.length;
      text = '';
    }
  };
  for (let i = 0; i < list.length; i += 2) {
    const name = fd_escapeName(fd_normalizeNewlines(list[i]));
    const value = list[i + 1];
    text += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"`;
    if (typeof value === 'string') {
      text += `\r\n\r\n${fd_normalizeNewlines(value)}\r\n`;
      continue;
    }
    const type = value.type || 'application/octet-stream';
    text += `; filename="${fd_escapeName(value.name)}"\r\nContent-Type: ${type}\r\n\r\n`;
    flushText();
    if (typeof blobBytes === 'function') {
      const chunk = blobBytes(value);
      parts.push(chunk);
      total += chunk.length;
    } else {
      syncBytes = false;
      parts.push(value);
    }
    text += '\r\n';
  }
  text += `--${boundary}--\r\n`;
  flushText();
  const contentType = `multipart/form-data; boundary=${boundary}`;
  if (!syncBytes) return { bytes: null, blob: new Blob(parts), contentType };
  return { bytes: concatBytes(parts, total), contentType };
}

// ---- application/x-www-form-urlencoded

// Percent-decodes bytes (with '+' as space); returns the input when there is
// nothing to decode.
function fd_percentDecode(bytes) {
  let needs = false;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x25 || bytes[i] === 0x2B) {
      needs = true;
      break;
    }
  }
  if (!needs) return bytes;
  const out = new Uint8Array(bytes.length);
  let j = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x2B) {
      out[j++] = 0x20;
    } else if (b === 0x25 && i + 2 < bytes.length && fd_hex(bytes[i + 1]) >= 0 && fd_hex(bytes[i + 2]) >= 0) {
      out[j++] = fd_hex(bytes[i + 1]) * 16 + fd_hex(bytes[i + 2]);
      i += 2;
    } else {
      out[j++] = b;
    }
  }
  return out.subarray(0, j);
}

function fd_hex(b) {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

function fd_parseUrlEncoded(input) {
  const bytes = fd_toBytes(input);
  const formData = new FormData();
  const n = bytes.length;
  let start = 0;
  while (start < n) {
    let end = bytes.indexOf(0x26, start);
    if (end < 0) end = n;
    if (end > start) {
      const sequence = bytes.subarray(start, end);
      const eq = sequence.indexOf(0x3D);
      const name = eq < 0 ? sequence : sequence.subarray(0, eq);
      const value = eq < 0 ? sequence.subarray(0, 0) : sequence.subarray(eq + 1);
      fd_appendRaw(formData, fetchapi_decode(fd_percentDecode(name), false),
        fetchapi_decode(fd_percentDecode(value), false));
    }
    start = end + 1;
  }
  return formData;
}
