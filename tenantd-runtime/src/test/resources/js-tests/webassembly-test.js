import { assert, assertEquals, assertThrows } from './assert.js';

// The smallest valid module: magic number and version.
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
// A module exporting `answer`, a function returning 42.
const ANSWER_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03,
  0x02, 0x01, 0x00, 0x07, 0x0a, 0x01, 0x06, 0x61, 0x6e, 0x73, 0x77, 0x65, 0x72, 0x00, 0x00, 0x0a,
  0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b,
]);

function assertRefused(error, what) {
  assert(error instanceof WebAssembly.CompileError, `${what}: expected a CompileError, got ${error}`);
  assertEquals(error.message, `WebAssembly.${what}(): Wasm code generation disallowed by embedder`);
}

async function refusal(promise, what) {
  try {
    await promise;
  } catch (error) {
    assertRefused(error, what);
    return;
  }
  throw new Error(`${what} compiled the module`);
}

export async function compilingBytesIsRefusedAsByAnEmbedderThatDisallowsIt() {
  await refusal(WebAssembly.compile(ANSWER_MODULE), 'compile');
  await refusal(WebAssembly.compile(EMPTY_MODULE.buffer), 'compile');
  await refusal(WebAssembly.instantiate(ANSWER_MODULE), 'instantiate');
  await refusal(WebAssembly.instantiate(ANSWER_MODULE, {}), 'instantiate');
  const wasm = { headers: { 'content-type': 'application/wasm' } };
  await refusal(WebAssembly.compileStreaming(new Response(ANSWER_MODULE, wasm)), 'compileStreaming');
  await refusal(WebAssembly.instantiateStreaming(new Response(ANSWER_MODULE, wasm)), 'instantiateStreaming');
  let thrown = null;
  try {
    new WebAssembly.Module(ANSWER_MODULE);
  } catch (error) {
    thrown = error;
  }
  assertRefused(thrown, 'Module');
  assertThrows(() => WebAssembly.Module(ANSWER_MODULE), TypeError);
}

export async function theOriginalsAreOutOfReach() {
  assertEquals(WebAssembly.Module.prototype.constructor, WebAssembly.Module);
  let thrown = null;
  try {
    new WebAssembly.Module.prototype.constructor(EMPTY_MODULE);
  } catch (error) {
    thrown = error;
  }
  assertRefused(thrown, 'Module');
  // Something dressed as a module is still bytes.
  const disguised = EMPTY_MODULE.buffer.slice(0);
  Object.setPrototypeOf(disguised, WebAssembly.Module.prototype);
  await refusal(WebAssembly.instantiate(disguised), 'instantiate');
  assertThrows(() => new WebAssembly.Instance(disguised), TypeError);
  assertEquals(WebAssembly.compile.name, 'compile');
  assertEquals(WebAssembly.compile.length, 1);
  assertEquals(WebAssembly.instantiate.name, 'instantiate');
  assertEquals(WebAssembly.instantiate.length, 1);
  assertEquals(WebAssembly.Instance.prototype.constructor, WebAssembly.Instance);
  assertEquals(WebAssembly.Instance.name, 'Instance');
  // Neither bytes nor a module: the engine's own TypeError.
  let rejected = null;
  try {
    await WebAssembly.instantiate(undefined);
  } catch (error) {
    rejected = error;
  }
  assert(rejected instanceof TypeError, `instantiate(undefined): ${rejected}`);
  // Calls that suspend on stacks of their own are not offered.
  assertEquals(typeof WebAssembly.Suspending, 'undefined');
  assertEquals(typeof WebAssembly.promising, 'undefined');
}

export function validationAndMemoryStay() {
  assertEquals(WebAssembly.validate(ANSWER_MODULE), true);
  assertEquals(WebAssembly.validate(new Uint8Array([1, 2, 3])), false);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
  assertEquals(memory.buffer.byteLength, 65536);
  memory.grow(1);
  assertEquals(memory.buffer.byteLength, 131072);
  assert(new WebAssembly.Table({ initial: 1, element: 'anyfunc' }) instanceof WebAssembly.Table);
  assertEquals(new WebAssembly.Global({ value: 'i32', mutable: true }, 7).value, 7);
}

export function memorySizesAreConvertedAsTheEngineConvertsThem() {
  const reads = [];
  const memory = new WebAssembly.Memory({ initial: '1', maximum: { valueOf() { reads.push('maximum'); return 3; } } });
  assertEquals(memory.buffer.byteLength, 65536);
  assertEquals(memory.grow(2), 1);
  assertThrows(() => memory.grow(1), RangeError);
  assertEquals(reads.join(), 'maximum');
  // 64-bit memories take their sizes as BigInts, from strings too.
  assertEquals(new WebAssembly.Memory({ initial: 1n, maximum: '10', address: 'i64' }).buffer.byteLength, 65536);
  assertThrows(() => new WebAssembly.Memory({ initial: 1, address: 'i64' }), TypeError);
}

export function aDescriptorIsReadOnceAndNotThroughObjectPrototype() {
  let reads = 0;
  Object.defineProperty(Object.prototype, 'initial', {
    get() { return reads++ === 0 ? undefined : 2000; },
    configurable: true,
  });
  try {
    assertThrows(() => new WebAssembly.Memory({ maximum: 4000 }), TypeError);
    assertEquals(reads, 1);
  } finally {
    delete Object.prototype.initial;
  }
}
