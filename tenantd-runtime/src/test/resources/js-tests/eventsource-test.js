import { assert, assertEquals, assertThrows } from './assert.js';

function streamOf(chunks) {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

// Collects a source's events until its stream ends (the error event that follows).
function collect(source) {
  return new Promise((resolve) => {
    const seen = [];
    source.addEventListener('open', () => seen.push('open'));
    source.addEventListener('message', (e) => seen.push(`message ${JSON.stringify(e.data)} id=${e.lastEventId}`));
    source.addEventListener('update', (e) => seen.push(`update ${JSON.stringify(e.data)} id=${e.lastEventId}`));
    source.addEventListener('error', (e) => {
      seen.push(`error ${e.message}`);
      resolve(seen);
    });
  });
}

export async function fromAStreamWithEveryKindOfLine() {
  const source = EventSource.from(streamOf([
    '\ufeff: a comment\n',
    'data: first\n\n',
    'event: update\ndata: line one\ndata: line two\nid: 7\n\n',
    'data:no space\r\n\r\n',
    'retry: 5000\ndata: after retry\n\n',
    'data: never ended',
  ]));
  const seen = await collect(source);
  assertEquals(seen.join('|'), [
    'open',
    'message "first" id=',
    'update "line one\\nline two" id=7',
    'message "no space" id=7',
    'message "after retry" id=7',
    'error The server disconnected.',
  ].join('|'));
  assertEquals(source.readyState, EventSource.CLOSED);
  // The states are on instances too (through the prototype), as code compares them.
  assertEquals(source.readyState, source.CLOSED);
  assertEquals([source.CONNECTING, source.OPEN, source.CLOSED].join(), '0,1,2');
}

export async function linesSplitAcrossChunksAtEveryPlace() {
  const text = 'event: update\r\ndata: a\r\ndata: b\r\n\r\ndata: c\n\n';
  for (let cut = 1; cut < text.length; cut++) {
    const seen = await collect(EventSource.from(streamOf([text.slice(0, cut), text.slice(cut)])));
    assertEquals(seen.join('|'), 'open|update "a\\nb" id=|message "c" id=|error The server disconnected.', `cut at ${cut}`);
  }
}

export async function onmessageAndCloseStopDelivery() {
  const got = [];
  const source = EventSource.from(streamOf(['data: one\n\n', 'data: two\n\n']));
  await new Promise((resolve) => {
    source.onmessage = (e) => {
      got.push(e.data);
      source.close();
      resolve();
    };
  });
  await scheduler.wait(1);
  assertEquals(got.join(','), 'one');
  assertEquals(source.readyState, EventSource.CLOSED);
}

export async function aFetcherAnswersAndTheSourceReconnectsWithTheLastId() {
  const requests = [];
  const fetcher = {
    async fetch(url, init) {
      requests.push(`${url} ${init.headers['last-event-id'] ?? '-'}`);
      return new Response(`id: ${requests.length}\ndata: hello ${requests.length}\n\n`,
        { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
    },
  };
  const source = new EventSource('https://events.test/feed', { fetcher });
  const messages = await new Promise((resolve) => {
    const seen = [];
    source.onmessage = (e) => {
      seen.push(`${e.data} from ${e.origin}`);
      if (seen.length === 2) resolve(seen);
    };
  });
  source.close();
  assertEquals(messages.join('|'), 'hello 1 from https://events.test|hello 2 from https://events.test');
  assertEquals(requests.join('|'), 'https://events.test/feed -|https://events.test/feed 1');
}

export async function aResponseThatIsNotAnEventStreamEndsTheSource() {
  const fetcher = { fetch: async () => new Response('plain', { headers: { 'content-type': 'text/plain' } }) };
  const source = new EventSource('https://events.test/', { fetcher });
  const error = await new Promise((resolve) => { source.onerror = resolve; });
  assertEquals(error.error.name, 'AbortError');
  assertEquals(error.message, "The content type 'text/plain' is invalid.");
  assertEquals(source.readyState, EventSource.CLOSED);
}

export async function aSourceThatCannotSetItsReconnectTimerEndsInsteadOfWaitingForEver() {
  // the worker holds as many timers as it may; the source's stream ends and it would reconnect
  const held = [];
  try {
    for (;;) held.push(setTimeout(() => {}, 1e9));
  } catch (e) {
    assertEquals(e.name, 'RangeError');
  }
  const errors = [];
  try {
    const fetcher = { fetch: async () => new Response('data: once\n\n', { headers: { 'content-type': 'text/event-stream' } }) };
    const source = new EventSource('https://events.test/', { fetcher });
    await new Promise((resolve) => {
      source.onerror = (e) => {
        errors.push(e.message);
        if (source.readyState === EventSource.CLOSED) resolve();
      };
    });
  } finally {
    held.forEach(clearTimeout);
  }
  assert(errors.at(-1).startsWith('Too many timers'), errors.join('|'));
}

export function badArguments() {
  assertThrows(() => new EventSource('not a url'), DOMException, 'SyntaxError');
  assertThrows(() => new EventSource('https://x.test/', { withCredentials: true }), DOMException, 'NotSupportedError');
  const locked = streamOf([]);
  locked.getReader();
  assertThrows(() => EventSource.from(locked), TypeError);
  assertThrows(() => EventSource.from({}), TypeError);
}
