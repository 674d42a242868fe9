export default { fetch() {
  const buffer = new ArrayBuffer(1024, { maxByteLength: 2 ** 32 });
  for (let size = 1 << 20; size <= 2 ** 32; size *= 2) { buffer.resize(size); new Uint8Array(buffer).fill(1); }
  return new Response('grown to ' + buffer.byteLength);
} };
