import { assert, assertEquals, assertThrows } from './assert.js';

function nextEvent(socket, type) {
  return new Promise((resolve) => socket.addEventListener(type, resolve, { once: true }));
}

export function pairHasTwoOpenEndsAndIsIterable() {
  const pair = new WebSocketPair();
  const [client, server] = pair;
  assert(client instanceof WebSocket && server instanceof WebSocket, 'two WebSockets');
  assertEquals(pair[0], client);
  assertEquals(pair[1], server);
  assertEquals(Object.values(pair).length, 2);
  assertEquals(client.readyState, WebSocket.OPEN);
  assertEquals(server.binaryType, 'arraybuffer');
  assertEquals(WebSocket.CLOSED, 3);
}

export async function textAndBinaryMessagesCrossThePair() {
  const [client, server] = new WebSocketPair();
  server.accept();
  client.accept();
  const atServer = nextEvent(server, 'message');
  client.send('hello');
  assertEquals((await atServer).data, 'hello');
  const atClient = nextEvent(client, 'message');
  server.send(new Uint8Array([1, 2, 3]));
  const data = (await atClient).data;
  assert(data instanceof ArrayBuffer, 'binary arrives as an ArrayBuffer');
  assertEquals([...new Uint8Array(data)].join(','), '1,2,3');
  client.binaryType = 'blob';
  const asBlob = nextEvent(client, 'message');
  server.send(new Uint8Array([4, 5]).buffer);
  assertEquals((await (await asBlob).data.arrayBuffer()).byteLength, 2);
}

export async function closeReachesTheOtherEndWithCodeAndReason() {
  const [client, server] = new WebSocketPair();
  server.accept();
  client.accept();
  const closed = nextEvent(server, 'close');
  client.close(4000, 'bye');
  const event = await closed;
  assertEquals(event.code, 4000);
  assertEquals(event.reason, 'bye');
  assertEquals(event.wasClean, true);
  assertEquals(server.readyState, WebSocket.CLOSED);
  assertThrows(() => client.send('late'), TypeError);
}

export function sendingNeedsAccept() {
  const [, server] = new WebSocketPair();
  assertThrows(() => server.send('x'), TypeError);
  assertThrows(() => server.close(1000), TypeError);
}

export function closeCodesAndReasonsAreChecked() {
  const [, server] = new WebSocketPair();
  server.accept();
  for (const code of [999, 1004, 1005, 1006, 1015, 5000, 0]) {
    assertThrows(() => server.close(code), DOMException, 'InvalidAccessError');
  }
  assertThrows(() => server.close(undefined, 'why'), DOMException, 'InvalidAccessError');
  assertThrows(() => server.close(1000, 'x'.repeat(124)), DOMException, 'SyntaxError');
  server.close(1000, 'x'.repeat(123));
}

export function responseCarriesItsWebSocket() {
  const [client, server] = new WebSocketPair();
  const response = new Response(null, { status: 101, webSocket: client });
  assertEquals(response.status, 101);
  assertEquals(response.webSocket, client);
  assertEquals(new Response('x').webSocket, null);
  assertThrows(() => new Response(null, { status: 200, webSocket: server }), RangeError);
  assertThrows(() => new Response(null, { status: 101, webSocket: {} }), TypeError);
  assertThrows(() => response.clone(), TypeError);
}

export function webSocketConstructorChecksItsUrl() {
  assertThrows(() => new WebSocket('http://example.com/'), DOMException, 'SyntaxError');
  assertThrows(() => new WebSocket('not a url'), DOMException, 'SyntaxError');
  assertThrows(() => new WebSocket('ws://example.com/#frag'), DOMException, 'SyntaxError');
  assertThrows(() => new WebSocket('ws://example.com/', ['a', 'a']), DOMException, 'SyntaxError');
}

export function eventClassesCarryTheirFields() {
  const message = new MessageEvent('message', { data: 'd' });
  assertEquals(message.data, 'd');
  const close = new CloseEvent('close', { code: 1000, reason: 'r', wasClean: true });
  assertEquals(close.code, 1000);
  assertEquals(close.reason, 'r');
  assertEquals(close.wasClean, true);
}

export function theNumberOfOpenSocketsIsBounded() {
  const pairs = [];
  let error = null;
  try {
    for (let i = 0; i < 1000; i++) {
      const pair = new WebSocketPair();
      pair[0].accept();
      pairs.push(pair);
    }
  } catch (e) {
    error = e;
  }
  assert(error instanceof RangeError, `a RangeError, not ${error}`);
  assert(error.message.includes('Too many WebSockets'), error.message);
  assert(pairs.length > 0 && pairs.length <= 256, `${pairs.length} pairs`);
  for (const pair of pairs) pair[0].close(1000);
  for (const pair of pairs) pair[1].accept();
}
