import { assert, assertEquals, assertThrows } from './assert.js';

export function randomUuidIsAVersion4Uuid() {
  const seen = new Set();
  for (let i = 0; i < 50; i++) {
    const uuid = crypto.randomUUID();
    assert(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid), uuid);
    seen.add(uuid);
  }
  assertEquals(seen.size, 50);
}

export function getRandomValuesFillsIntegerArraysInPlace() {
  const whole = new Uint32Array(64);
  assertEquals(crypto.getRandomValues(whole), whole);
  assert(whole.some((v) => v !== 0), 'filled');
  const backing = new Uint8Array(32);
  const middle = new Uint16Array(backing.buffer, 8, 4);
  crypto.getRandomValues(middle);
  assert(backing.subarray(0, 8).every((v) => v === 0) && backing.subarray(16).every((v) => v === 0),
    'only the view is written');
  class Mine extends Uint8Array {}
  assertEquals(crypto.getRandomValues(new Mine(4)).length, 4);
}

export function getRandomValuesRefusesWhatItShould() {
  assertThrows(() => crypto.getRandomValues(new Float64Array(2)), DOMException, 'TypeMismatchError');
  assertThrows(() => crypto.getRandomValues(new DataView(new ArrayBuffer(4))), DOMException, 'TypeMismatchError');
  assertThrows(() => crypto.getRandomValues([1, 2]), DOMException, 'TypeMismatchError');
  assertThrows(() => crypto.getRandomValues(new Uint8Array(65537)), DOMException, 'QuotaExceededError');
  assertThrows(() => crypto.getRandomValues(), TypeError);
}
