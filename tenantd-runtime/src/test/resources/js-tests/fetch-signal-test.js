import { assert, assertEquals } from './assert.js';

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return null;
}

export async function aFetchWithASignalThatNeverAbortsAnswers() {
  const controller = new AbortController();
  const response = await fetch('https://origin.test/a', { signal: controller.signal });
  assertEquals(response.status, 200);
  assertEquals(await response.text(), 'GET https://origin.test/a ');
}

export async function anAlreadyAbortedSignalRejectsWithItsReason() {
  const error = await rejection(fetch('https://origin.test/b', { signal: AbortSignal.abort() }));
  assert(error instanceof DOMException, 'a DOMException');
  assertEquals(error.name, 'AbortError');
  const custom = await rejection(fetch('https://origin.test/b', { signal: AbortSignal.abort(new RangeError('mine')) }));
  assert(custom instanceof RangeError && custom.message === 'mine', 'the reason given to abort()');
}

export async function abortingWhileTheAnswerIsOnItsWayRejects() {
  const controller = new AbortController();
  const pending = fetch('https://origin.test/c', { signal: controller.signal });
  controller.abort();
  const error = await rejection(pending);
  assertEquals(error.name, 'AbortError');
}
