// KVNamespace in a real isolate, against the real KV service. Each export is one test;
// it gets the worker's env, whose KV is an empty namespace shared by the tests (so each
// test uses keys of its own).

function equal(actual, expected, what = 'value') {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

async function rejects(promise, type, message) {
  try {
    await promise;
  } catch (e) {
    if (!(e instanceof type)) throw new Error(`expected a ${type.name}, got ${e && e.name}: ${e && e.message}`);
    if (!String(e.message).includes(message)) throw new Error(`expected a message with "${message}", got "${e.message}"`);
    return;
  }
  throw new Error(`expected a ${type.name} with "${message}", but nothing was thrown`);
}

export async function text_values_round_trip_and_a_missing_key_is_null({ KV }) {
  equal(await KV.put('text:1', 'héllo'), undefined);
  equal(await KV.get('text:1'), 'héllo');
  equal(await KV.get('text:1', 'text'), 'héllo');
  equal(await KV.get('text:1', { type: 'text', cacheTtl: 60 }), 'héllo');
  equal(await KV.get('text:missing'), null);
  await KV.put('text:empty', '');
  equal(await KV.get('text:empty'), '');
  await KV.put('text:number', 42);
  equal(await KV.get('text:number'), '42');
}

export async function json_values_are_parsed({ KV }) {
  await KV.put('json:1', JSON.stringify({ a: [1, 2], b: 'c' }));
  equal(await KV.get('json:1', 'json'), { a: [1, 2], b: 'c' });
  equal(await KV.get('json:1', { type: 'json' }), { a: [1, 2], b: 'c' });
  await KV.put('json:bad', '{nope');
  await rejects(KV.get('json:bad', 'json'), SyntaxError, '');
}

export async function binary_values_round_trip_as_array_buffers({ KV }) {
  await KV.put('bin:u8', new Uint8Array([0, 1, 255]));
  const buffer = await KV.get('bin:u8', 'arrayBuffer');
  if (!(buffer instanceof ArrayBuffer)) throw new Error('not an ArrayBuffer');
  equal([...new Uint8Array(buffer)], [0, 1, 255]);
  await KV.put('bin:ab', new Uint8Array([9, 8, 7]).buffer);
  equal([...new Uint8Array(await KV.get('bin:ab', 'arrayBuffer'))], [9, 8, 7]);
  const view = new DataView(new Uint8Array([5, 6, 7, 8]).buffer, 1, 2);
  await KV.put('bin:view', view);
  equal([...new Uint8Array(await KV.get('bin:view', 'arrayBuffer'))], [6, 7]);
  equal((await KV.get('bin:missing', 'arrayBuffer')), null);
}

export async function streams_are_read_and_written({ KV }) {
  const parts = ['one ', 'two ', 'three'];
  const stream = new ReadableStream({
    pull(controller) {
      if (parts.length === 0) controller.close();
      else controller.enqueue(new TextEncoder().encode(parts.shift()));
    },
  });
  await KV.put('stream:1', stream);
  const out = await KV.get('stream:1', 'stream');
  if (!(out instanceof ReadableStream)) throw new Error('not a ReadableStream');
  equal(await new Response(out).text(), 'one two three');
  equal(await KV.get('stream:missing', 'stream'), null);
}

export async function metadata_comes_back_with_get_with_metadata({ KV }) {
  await KV.put('meta:1', 'v', { metadata: { plan: 'pro', n: 1 } });
  equal(await KV.getWithMetadata('meta:1'), { value: 'v', metadata: { plan: 'pro', n: 1 }, cacheStatus: null });
  await KV.put('meta:none', '{"x":1}');
  equal(await KV.getWithMetadata('meta:none', 'json'), { value: { x: 1 }, metadata: null, cacheStatus: null });
  equal(await KV.getWithMetadata('meta:missing'), { value: null, metadata: null, cacheStatus: null });
}

export async function several_keys_at_once_give_a_map({ KV }) {
  await KV.put('many:a', '"A"');
  await KV.put('many:b', '"B"', { metadata: { m: true } });
  const texts = await KV.get(['many:a', 'many:b', 'many:missing', 'many:a']);
  if (!(texts instanceof Map)) throw new Error('not a Map');
  equal([...texts], [['many:a', '"A"'], ['many:b', '"B"'], ['many:missing', null]]);
  const json = await KV.get(['many:b', 'many:a'], 'json');
  equal([...json], [['many:b', 'B'], ['many:a', 'A']]);
  const withMeta = await KV.getWithMetadata(['many:b', 'many:missing']);
  equal([...withMeta], [['many:b', { value: '"B"', metadata: { m: true } }], ['many:missing', null]]);
  const keys = Array.from({ length: 101 }, (_, i) => `k${i}`);
  await rejects(KV.get(keys), Error, 'KV GET_BULK failed: 400 You can request a maximum of 100 keys.');
  await rejects(KV.get(['many:a'], 'arrayBuffer'), Error, 'is not a valid type');
}

export async function list_pages_through_keys_with_metadata_and_expiration({ KV }) {
  const before = Math.floor(Date.now() / 1000);
  await KV.put('list:a', '1', { metadata: { i: 1 } });
  await KV.put('list:b', '2', { expirationTtl: 600 });
  await KV.put('list:c', '3');
  await KV.put('listed-not', '4');
  const first = await KV.list({ prefix: 'list:', limit: 2 });
  equal(first.keys.map((k) => k.name), ['list:a', 'list:b']);
  equal(first.keys[0].metadata, { i: 1 });
  equal(first.keys[0].expiration, undefined);
  if (!(first.keys[1].expiration >= before + 600 && first.keys[1].expiration <= before + 660)) {
    throw new Error(`expiration ${first.keys[1].expiration} is not about 600 s from ${before}`);
  }
  equal(first.list_complete, false);
  equal(first.cacheStatus, null);
  if (typeof first.cursor !== 'string' || first.cursor === '') throw new Error('no cursor');
  const second = await KV.list({ prefix: 'list:', limit: 2, cursor: first.cursor });
  equal(second.keys.map((k) => k.name), ['list:c']);
  equal(second.list_complete, true);
  equal('cursor' in second, false);
  const all = await KV.list();
  if (!all.keys.some((k) => k.name === 'listed-not')) throw new Error('list() without options misses keys');
  await rejects(KV.list({ limit: 0 }), Error, 'KV LIST failed: 400 Invalid key_count_limit of 0');
}

export async function delete_removes_a_key({ KV }) {
  await KV.put('del:1', 'v');
  equal(await KV.delete('del:1'), undefined);
  equal(await KV.get('del:1'), null);
  await KV.delete('del:never-there');
}

export async function a_key_cut_inside_a_character_is_stored_with_u_fffd_in_its_place({ KV }) {
  const title = 'café 😀 menu';
  const cut = title.slice(0, 6); // 'café ' and the first half of the emoji
  await KV.put(cut, 'half');
  equal(await KV.get(cut), 'half');
  equal(await KV.get('café \ufffd'), 'half', 'the same key, well-formed');
  const listed = await KV.list({ prefix: 'café' });
  equal(listed.keys.map((k) => k.name).join(), 'café \ufffd', 'listed name');
  equal((await KV.list({ prefix: 'café \ud83d' })).keys.length, 1, 'a cut prefix lists it too');
  await KV.delete(cut);
  equal(await KV.get('café \ufffd'), null);
}

export async function wrong_arguments_are_type_errors({ KV }) {
  await rejects(KV.get(''), TypeError, 'Key name cannot be empty.');
  await rejects(KV.put('.', 'v'), TypeError, '"." is not allowed as a key name.');
  await rejects(KV.delete('..'), TypeError, '".." is not allowed as a key name.');
  await rejects(KV.get(), TypeError, "Failed to execute 'get' on 'KVNamespace'");
  await rejects(KV.put('k'), TypeError, "Failed to execute 'put' on 'KVNamespace'");
  await rejects(KV.put('k', { an: 'object' }), TypeError,
    'KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.');
  await rejects(KV.get('k', 'bogus'), TypeError, 'Unknown response type.');
  await rejects(KV.put('k', 'v', { expiration: 1e12 }), TypeError, 'Value out of range');
  equal(await KV.get('k'), null);
}

export async function limits_are_refused_as_workers_words_them({ KV }) {
  await rejects(KV.get('x'.repeat(513)), Error, 'KV GET failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.');
  await rejects(KV.put('é'.repeat(300), 'v'), Error, 'KV PUT failed: 414 UTF-8 encoded length of 600');
  await rejects(KV.put('ttl', 'v', { expirationTtl: 30 }), Error,
    'KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60.');
  await rejects(KV.put('exp', 'v', { expiration: Math.floor(Date.now() / 1000) + 5 }), Error,
    'KV PUT failed: 400 Invalid expiration of');
  await rejects(KV.put('meta', 'v', { metadata: { big: 'x'.repeat(1100) } }), Error,
    'KV PUT failed: 413 Metadata length of 1110 exceeds limit of 1024.');
  await rejects(KV.put('huge', new Uint8Array(25 * 1024 * 1024 + 1)), Error,
    'KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400.');
  for (const key of ['ttl', 'exp', 'meta', 'huge']) equal(await KV.get(key), null, key);
}
