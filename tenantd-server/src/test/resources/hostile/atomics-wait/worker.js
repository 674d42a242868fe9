export default { fetch() {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(cell, 0, 0);
  return new Response("woke up");
} };
