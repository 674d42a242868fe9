export default { fetch() {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
  for (;;) {
    memory.grow(256);
    new Uint8Array(memory.buffer).fill(1, memory.buffer.byteLength - 16 * 1024 * 1024);
  }
} };
