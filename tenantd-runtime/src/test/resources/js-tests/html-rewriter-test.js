import { assert, assertEquals, assertDeepEquals, assertThrows, assertRejects } from './assert.js';

const encoder = new TextEncoder();

function rewrite(rewriter, html, init = undefined) {
  return rewriter.transform(new Response(html, init)).text();
}

// A body whose chunks are exactly `parts` (strings or byte arrays), one per read.
function chunked(parts) {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i === parts.length) {
        controller.close();
        return;
      }
      const part = parts[i++];
      controller.enqueue(typeof part === 'string' ? encoder.encode(part) : part);
    },
  });
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

export async function passesTheDocumentThroughAndKeepsStatusAndHeaders() {
  const original = new Response('<h3 a="1">hello</h3>', {
    status: 201, statusText: 'Made', headers: { foo: 'bar', 'content-length': '20' },
  });
  const out = new HTMLRewriter().on('h3', { element() {}, comments() {}, text() {} }).transform(original);
  assert(out !== original, 'a new response');
  assertEquals(out.status, 201);
  assertEquals(out.statusText, 'Made');
  assertEquals(out.headers.get('foo'), 'bar');
  assertEquals(out.headers.get('content-length'), null, 'the length of the old body is not passed on');
  assertEquals(await out.text(), '<h3 a="1">hello</h3>');
  assertEquals(await rewrite(new HTMLRewriter(), 'plain text, no markup'), 'plain text, no markup');
  const empty = new Response(null, { status: 204 });
  assertEquals(new HTMLRewriter().transform(empty), empty, 'a response without a body is returned as is');
}

export async function insertsAroundAndInsideElementsAsTextOrHtml() {
  const result = await rewrite(new HTMLRewriter().on('p', {
    element(e) {
      e.before('<1>');
      e.before('<b>2</b>', { html: true });
      e.after('<3>');
      e.after('<i>4</i>', { html: true });
      e.prepend('<5>');
      e.prepend('<u>6</u>', { html: true });
      e.append('<7>', { html: false });
      e.append('<s>8</s>', { html: true });
    },
  }), '<div><p>body</p></div>');
  assertEquals(result,
    '<div>&lt;1&gt;<b>2</b><p><u>6</u>&lt;5&gt;body&lt;7&gt;<s>8</s></p><i>4</i>&lt;3&gt;</div>');
}

export async function replacesAndRemovesElements() {
  const rewriter = new HTMLRewriter().on('[mode]', {
    element(e) {
      const mode = e.getAttribute('mode');
      assertEquals(e.removed, false);
      if (mode === 'remove') e.remove();
      if (mode === 'keep') e.removeAndKeepContent();
      if (mode === 'replace') e.replace('<hr>', { html: true });
      if (mode === 'replace-text') e.replace('<hr>');
      if (mode === 'inner') e.setInnerContent('<em>new</em>', { html: true });
      if (mode === 'inner-text') e.setInnerContent('a & b');
      if (mode !== 'inner' && mode !== 'inner-text') assertEquals(e.removed, true);
    },
  });
  const html = '<a mode="remove">x<b>y</b></a>|<a mode="keep">k<b>y</b></a>|<a mode="replace">z</a>|'
    + '<a mode="replace-text">z</a>|<a mode="inner">old<i>er</i></a>|<a mode="inner-text">old</a>';
  assertEquals(await rewrite(rewriter, html),
    '|k<b>y</b>|<hr>|&lt;hr&gt;|<a mode="inner"><em>new</em></a>|<a mode="inner-text">a &amp; b</a>');
}

export async function readsAndChangesAttributesAndTagNames() {
  const seen = [];
  const rewriter = new HTMLRewriter().on('div', {
    element(e) {
      seen.push([...e.attributes]);
      assertEquals(e.getAttribute('ID'), 'main', 'attribute names are case-insensitive');
      assertEquals(e.hasAttribute('data-x'), true);
      assertEquals(e.getAttribute('missing'), null);
      assertEquals(e.getAttribute('empty'), '');
      e.setAttribute('id', 'changed "quoted"');
      e.removeAttribute('data-x');
      e.setAttribute('New', 'yes');
      assertEquals(e.hasAttribute('data-x'), false);
      assertEquals(e.tagName, 'div');
      e.tagName = 'section';
      assertEquals(e.tagName, 'section');
      assertThrows(() => { e.tagName = 'bad name'; }, TypeError);
      assertThrows(() => e.setAttribute('a b', 'x'), TypeError);
      assertEquals(e.namespaceURI, 'http://www.w3.org/1999/xhtml');
      assertEquals(e.canHaveContent, true);
    },
  });
  const result = await rewrite(rewriter, "<DIV id='main' data-x=1 empty>in<span>side</span></DIV>");
  assertEquals(result, '<section id="changed &quot;quoted&quot;" empty new="yes">in<span>side</span></section>');
  assertDeepEquals(seen, [[['id', 'main'], ['data-x', '1'], ['empty', '']]]);
}

export async function anAttributesIteratorEndsWhenAttributesChange() {
  let message = null;
  let fresh = null;
  await rewrite(new HTMLRewriter().on('div', {
    element(e) {
      const iterator = e.attributes[Symbol.iterator]();
      assertEquals(iterator.next().done, false);
      e.setAttribute('c', '3');
      try {
        iterator.next();
      } catch (error) {
        message = error.message;
      }
      fresh = [...e.attributes];
    },
  }), '<div a="1" b="2"></div>');
  assertEquals(message, 'The attributes of this element have been modified during iteration. '
    + 'You must create a new iterator after modifying attributes.');
  assertDeepEquals(fresh, [['a', '1'], ['b', '2'], ['c', '3']]);
}

export async function knowsVoidAndForeignElements() {
  const found = [];
  const result = await rewrite(new HTMLRewriter().on('img, circle, p', {
    element(e) {
      found.push([e.tagName, e.namespaceURI, e.canHaveContent]);
      if (e.tagName === 'img') {
        assertThrows(() => e.onEndTag(() => {}), TypeError);
        e.after('!');
      }
    },
  }), '<p><img src=a.png>text<svg><circle r="1"/><p>in svg</p></svg></p>');
  assertDeepEquals(found, [
    ['p', 'http://www.w3.org/1999/xhtml', true],
    ['img', 'http://www.w3.org/1999/xhtml', false],
    ['circle', 'http://www.w3.org/2000/svg', false],
    ['p', 'http://www.w3.org/2000/svg', true],
  ]);
  assertEquals(result, '<p><img src=a.png>!text<svg><circle r="1"/><p>in svg</p></svg></p>');
}

export async function endTagHandlersSeeAndChangeTheEndTag() {
  const names = [];
  const result = await rewrite(new HTMLRewriter().on('b', {
    element(e) {
      e.onEndTag(() => { throw new Error('replaced by the next handler'); });
      e.onEndTag((end) => {
        names.push(end.name);
        end.before('[');
        end.after(']');
      });
    },
  }).on('i', {
    element(e) {
      e.tagName = 'em';
      e.onEndTag((end) => {
        names.push(end.name);
        end.name = 'strong';
        end.after('<br>', { html: true });
      });
    },
  }).on('u', {
    element(e) {
      e.onEndTag((end) => end.remove());
    },
  }), '<b>bold</b><i>it</i><u>under</u>');
  assertDeepEquals(names, ['b', 'em']);
  assertEquals(result, '<b>bold[</b>]<em>it</strong><br><u>under');
}

export async function textChunksEndWithAnEmptyLastChunk() {
  const chunks = [];
  const rewriter = new HTMLRewriter().on('p', {
    text(t) {
      chunks.push([t.text, t.lastInTextNode]);
      if (t.text === 'swap') t.replace('<swapped>');
      if (t.text === 'drop') {
        t.remove();
        assertEquals(t.removed, true);
      }
      if (t.text === 'around') {
        t.before('(');
        t.after(')');
      }
    },
  });
  const result = await rewriter.transform(new Response(chunked(['<p>ab', 'cd<b>swap</b><i>drop</i>around</p>after']))).text();
  assertEquals(result, '<p>abcd<b>&lt;swapped&gt;</b><i></i>(around)</p>after');
  assertDeepEquals(chunks, [['ab', false], ['cd', false], ['', true], ['swap', false], ['', true],
    ['drop', false], ['', true], ['around', false], ['', true]]);
}

export async function scriptAndStyleContentIsText() {
  const texts = [];
  const elements = [];
  const html = '<script>if (a < b && c > d) { x = "</div>"; }</script><style>p>a{}</style><textarea><b>no</b></textarea><b>yes</b>';
  const result = await rewrite(new HTMLRewriter().on('*', {
    element(e) { elements.push(e.tagName); },
    text(t) { if (t.text) texts.push(t.text); },
  }), html);
  assertEquals(result, html);
  assertDeepEquals(elements, ['script', 'style', 'textarea', 'b']);
  assertDeepEquals(texts, ['if (a < b && c > d) { x = "</div>"; }', 'p>a{}', '<b>no</b>', 'yes']);
}

export async function commentsCanBeReadChangedAndRemoved() {
  const documentComments = [];
  const result = await rewrite(new HTMLRewriter().onDocument({
    comments(c) { documentComments.push(c.text); },
  }).on('div', {
    comments(c) {
      if (c.text === ' set ') c.text = ' was set ';
      else if (c.text === ' remove ') c.remove();
      else if (c.text === ' replace ') c.replace('<gone>');
      else {
        c.before('<!--', { html: true });
        c.after('-->', { html: true });
      }
      assertThrows(() => { c.text = 'x-->y'; }, TypeError);
      assertThrows(() => c.before(new ReadableStream()), TypeError);
    },
  }), '<!--top--><div><!-- set --><!-- remove --><!-- replace --><!----></div>');
  assertEquals(result, '<!--top--><div><!-- was set -->&lt;gone&gt;<!--<!---->--></div>');
  assertDeepEquals(documentComments, ['top', ' set ', ' remove ', ' replace ', '']);
}

export async function documentHandlersSeeDoctypeTextAndTheEnd() {
  let doctype = null;
  let text = '';
  const result = await rewrite(new HTMLRewriter().onDocument({
    doctype(d) { doctype = [d.name, d.publicId, d.systemId]; },
    text(t) { text += t.text; },
    end(end) {
      end.append('<!-- end -->', { html: true });
      end.append('<done>');
    },
  }), '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd"><p>a</p>b');
  assertDeepEquals(doctype, ['html', '-//W3C//DTD HTML 4.01//EN', 'http://www.w3.org/TR/html4/strict.dtd']);
  assertEquals(text, 'ab');
  assert(result.endsWith('<p>a</p>b<!-- end -->&lt;done&gt;'), result);
}

const SELECTOR_DOCUMENT = '<main id="m" class="box wide" lang="en-GB" data-v="Hello World">'
  + '<ul><li id="l1" class="item first">1</li><li id="l2">2</li><p id="p1">p</p><li id="l3" class="item">3</li>'
  + '<li id="l4">4</li></ul><section id="s"><div id="d"><span id="deep">x</span></div><span id="child">y</span></section></main>';

async function matched(selector) {
  const ids = [];
  await rewrite(new HTMLRewriter().on(selector, { element(e) { ids.push(e.getAttribute('id')); } }), SELECTOR_DOCUMENT);
  return ids.join(',');
}

export async function supportsTheSelectorsWorkersSupport() {
  const cases = [
    ['*', 'm,,l1,l2,p1,l3,l4,s,d,deep,child'],
    ['li', 'l1,l2,l3,l4'],
    ['LI', 'l1,l2,l3,l4'],
    ['li:nth-child(2)', 'l2'],
    ['ul > :nth-child(odd)', 'l1,p1,l4'],
    ['li:nth-child(2n+3)', 'l4'],
    ['li:first-child', 'l1'],
    ['li:nth-of-type(3)', 'l3'],
    ['p:first-of-type', 'p1'],
    ['li:not(.item)', 'l2,l4'],
    ['.item', 'l1,l3'],
    ['li.item.first', 'l1'],
    ['#d', 'd'],
    ['[lang]', 'm'],
    ['[id="l2"]', 'l2'],
    ['[class~="wide"]', 'm'],
    ['[id^="l"]', 'l1,l2,l3,l4'],
    ['[id$="1"]', 'l1,p1'],
    ['[data-v*="lo W"]', 'm'],
    ['[lang|="en"]', 'm'],
    ['[data-v="hello world" i]', 'm'],
    ['[data-v="hello world"]', ''],
    ['section span', 'deep,child'],
    ['section > span', 'child'],
    ['main section > div span', 'deep'],
    ['ul li, #s', 'l1,l2,l3,l4,s'],
  ];
  for (const [selector, expected] of cases) {
    assertEquals(await matched(selector), expected, selector);
  }
}

export function refusesUnsupportedSelectorsAtOn() {
  const bad = ['', 'a + b', 'a ~ b', 'li:last-child', 'p::before', 'a:hover', '[', '[=x]', 'a >', '.', '#',
    'svg|a', 'a:nth-child(x)', 'a:not()', 'a b !', 'a:nth-child(2'];
  for (const selector of bad) {
    const error = assertThrows(() => new HTMLRewriter().on(selector, {}), TypeError);
    assert(error.message.startsWith('Parser error: '), `${selector}: ${error.message}`);
  }
  assertThrows(() => new HTMLRewriter().on('a', { element: 'not a function' }), TypeError);
  assertThrows(() => new HTMLRewriter().on('a'), TypeError);
}

export async function awaitsAsyncHandlersInDocumentOrder() {
  const order = [];
  const result = await rewrite(new HTMLRewriter().on('li', {
    async element(e) {
      const id = e.getAttribute('id');
      order.push(`start ${id}`);
      await tick();
      e.setInnerContent(`item ${id}`);
      order.push(`end ${id}`);
    },
  }).onDocument({
    async text(t) {
      if (t.text) {
        await tick();
        order.push(`text ${t.text}`);
      }
    },
  }), '<li id=a>x</li><li id=b>y</li>');
  assertEquals(result, '<li id=a>item a</li><li id=b>item b</li>');
  assertDeepEquals(order, ['start a', 'end a', 'text x', 'start b', 'end b', 'text y']);
}

export async function callsMethodsOfHandlerObjectsWithThemAsThis() {
  class Counter {
    elements = 0;
    texts = 0;
    element() { this.elements++; }
    text(t) { if (t.lastInTextNode) this.texts++; }
  }
  const counter = new Counter();
  await rewrite(new HTMLRewriter().on('b', counter), '<b>1</b><b>2</b><i>3</i>');
  assertEquals(counter.elements, 2);
  assertEquals(counter.texts, 2);
}

export async function tokensAreValidOnlyDuringTheirHandler() {
  let element;
  let text;
  let attributes;
  await rewrite(new HTMLRewriter().on('p', {
    element(e) {
      element = e;
      attributes = e.attributes;
    },
    text(t) { text = t; },
  }), '<p id=x>text</p>');
  const message = 'This content token is no longer valid. Content tokens are only valid during the execution of the relevant content handler.';
  assertEquals(assertThrows(() => element.getAttribute('id'), TypeError).message, message);
  assertEquals(assertThrows(() => element.before('x'), TypeError).message, message);
  assertEquals(assertThrows(() => text.text, TypeError).message, message);
  assertEquals(assertThrows(() => attributes.next(), TypeError).message, message);
}

const TRICKY = '<!DOCTYPE html><html><head><title>a<b</title><script>if (x</scr) {}</script></head>'
  + '<body class="c" data-x=\'>\' id=unq><!-- co--mment --><p>caf\u00e9 \u{1F600} &amp; <a href="/x?a=1&b=2">link</a>'
  + '<img src="i.png"/><br/><![CDATA[x]]><? pi ?></ p><svg><path d="M0"/></svg></p><div>tail';

function trickyRewriter() {
  return new HTMLRewriter().on('a[href]', {
    element(e) { e.setAttribute('href', `https://example.com${e.getAttribute('href')}`); },
  }).on('p', {
    text(t) { if (t.text) t.replace(t.text.toUpperCase(), { html: true }); },
  }).on('img', {
    element(e) { e.before('<!--img-->', { html: true }); },
  }).on('div', {
    element(e) { e.append('!'); },
  }).onDocument({
    comments(c) { c.text = c.text.replace('co--mment', 'comment'); },
    end(end) { end.append('<end>', { html: true }); },
  });
}

export async function givesTheSameOutputWhereverTheInputIsSplit() {
  const bytes = encoder.encode(TRICKY);
  const whole = await trickyRewriter().transform(new Response(bytes)).text();
  assert(whole.includes('href="https://example.com/x?a=1&b=2"'), whole);
  assert(whole.includes('CAF\u00c9 \u{1F600} &AMP; '), whole);
  assert(whole.includes('<!--img--><img src="i.png"/>'), whole);
  // The div never ends, so what it appends has no end tag to go before (as in Workers).
  assert(whole.endsWith('<div>tail<end>'), whole);
  for (let i = 1; i < bytes.length; i++) {
    const parts = [bytes.slice(0, i), bytes.slice(i)];
    const split = await trickyRewriter().transform(new Response(chunked(parts))).text();
    assertEquals(split, whole, `split at byte ${i}`);
  }
  const single = [];
  for (let i = 0; i < bytes.length; i++) single.push(bytes.slice(i, i + 1));
  assertEquals(await trickyRewriter().transform(new Response(chunked(single))).text(), whole, 'one byte per chunk');
}

export async function streamsA10MbDocumentWithoutWaitingForItsEnd() {
  const row = '<tr><td><a href="/item">item</a></td><td class="n">42</td></tr>\n';
  const chunk = encoder.encode(row.repeat(Math.ceil(65536 / row.length)));
  const chunks = Math.ceil((10 * 1024 * 1024) / chunk.length);
  let controller;
  const input = new ReadableStream({ start(c) { controller = c; } });
  let links = 0;
  const response = new HTMLRewriter().on('a[href]', {
    element(e) {
      links++;
      e.setAttribute('href', `https://origin.example${e.getAttribute('href')}`);
    },
  }).transform(new Response(input, { headers: { 'content-type': 'text/html; charset=utf-8' } }));
  const reader = response.body.getReader();
  controller.enqueue(encoder.encode('<html><body><table>\n'));
  controller.enqueue(chunk.slice());
  const first = await reader.read();
  assert(!first.done && first.value.byteLength > 0, 'output arrives before the input is complete');
  let received = first.value.byteLength;
  let tail = new TextDecoder().decode(first.value.slice(-200));
  for (let i = 1; i < chunks; i++) {
    controller.enqueue(chunk.slice());
    const next = await reader.read();
    received += next.value.byteLength;
  }
  controller.enqueue(encoder.encode('</table></body></html>'));
  controller.close();
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    received += next.value.byteLength;
    tail = new TextDecoder().decode(next.value.slice(-200));
  }
  const rows = chunks * Math.ceil(65536 / row.length);
  assertEquals(links, rows);
  const extra = 'https://origin.example'.length;
  assertEquals(received, '<html><body><table>\n'.length + rows * (row.length + extra) + '</table></body></html>'.length);
  assert(tail.endsWith('</table></body></html>'), tail);
}

export async function anErrorInAHandlerErrorsTheResponseBody() {
  let cancelled = null;
  const input = new ReadableStream({
    pull(controller) { controller.enqueue(encoder.encode('<p>one</p>')); },
    cancel(reason) { cancelled = reason; },
  });
  const boom = new Error('boom');
  const failing = new HTMLRewriter().on('p', { text() { throw boom; } }).transform(new Response(input));
  const error = await assertRejects(failing.text());
  assertEquals(error, boom);
  assertEquals(cancelled, boom, 'the input is cancelled with the same error');
  const asyncError = await assertRejects(new HTMLRewriter().on('p', {
    async element() {
      await tick();
      throw new RangeError('later');
    },
  }).transform(new Response('<p>x</p>')).text(), RangeError);
  assertEquals(asyncError.message, 'later');
  const endError = await assertRejects(new HTMLRewriter().onDocument({
    end() { throw new TypeError('at the end'); },
  }).transform(new Response('<p>x</p>')).arrayBuffer(), TypeError);
  assertEquals(endError.message, 'at the end');
}

export async function anErrorOfTheInputErrorsTheOutput() {
  const input = new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode('<p>'));
      controller.error(new Error('origin went away'));
    },
  });
  const error = await assertRejects(new HTMLRewriter().transform(new Response(input)).text());
  assertEquals(error.message, 'origin went away');
}

export async function insertsTheTextOfStreamsAndResponses() {
  const result = await rewrite(new HTMLRewriter().on('p', {
    element(e) {
      e.prepend(new Response('<b>html</b>'), { html: true });
      e.append(chunked(['a<', 'b']));
    },
  }), '<p>-</p>');
  assertEquals(result, '<p><b>html</b>-a&lt;b</p>');
  const error = await assertRejects(new HTMLRewriter().on('p', {
    element(e) { e.append(chunked([new Uint8Array([0x61, 0xE2, 0x28, 0xA1])])); },
  }).transform(new Response('<p></p>')).text(), TypeError);
  assertEquals(error.message, 'Parser error: Invalid UTF-8');
}

export async function usesTheCharsetOfTheContentType() {
  const latin1 = new Uint8Array([0x3C, 0x70, 0x3E, 0x63, 0x61, 0x66, 0xE9, 0x80, 0x3C, 0x2F, 0x70, 0x3E]); // <p>café€</p>
  const texts = [];
  const response = new HTMLRewriter().on('p', {
    text(t) {
      if (t.text) texts.push(t.text);
    },
    element(e) { e.append('\u00fc\u4e2d'); },
  }).transform(new Response(latin1, { headers: { 'content-type': 'text/html; charset="ISO-8859-1"' } }));
  const bytes = new Uint8Array(await response.arrayBuffer());
  assertDeepEquals(texts, ['caf\u00e9\u20ac']);
  assertEquals(String.fromCharCode(...bytes), '<p>caf\u00e9\u0080\u00fc&#20013;</p>');
  const error = assertThrows(() => new HTMLRewriter().on('*', {})
    .transform(new Response('x', { headers: { 'content-type': 'text/html; charset=invalid' } })), TypeError);
  assertEquals(error.message, 'Parser error: Unknown character encoding has been provided.');
}

export async function refusesWhatCannotBeTransformed() {
  assertEquals(assertThrows(() => new HTMLRewriter().transform(Response.error()), TypeError).message,
    'HTMLRewriter cannot transform an error response');
  assertThrows(() => new HTMLRewriter().transform({ body: null }), TypeError);
  const used = new Response('x');
  await used.text();
  assertThrows(() => new HTMLRewriter().transform(used), TypeError);
  const notBytes = new ReadableStream({ start(c) { c.enqueue('a string'); c.close(); } });
  await assertRejects(new HTMLRewriter().transform(new Response(notBytes)).text(), TypeError);
}

export async function survivesMalformedHtml() {
  const inputs = ['<', '</', '<!', '<!-', '<!--', '<a href="x', '</>', '<<<>>>', '<a <b>c</a>', '</p></div>text',
    '<div><span></div></span>', '<!DOCTYPE', '<a b=">"  c', 'x < y > z', '<p =a>b</p>', '\u0000<\u0000>'];
  for (const input of inputs) {
    const result = await rewrite(new HTMLRewriter().on('*', {
      element(e) { e.setAttribute('seen', ''); },
      text() {},
      comments() {},
    }).onDocument({ doctype() {}, end() {} }), input);
    assertEquals(typeof result, 'string', input);
  }
  assertEquals(await rewrite(new HTMLRewriter().on('*', { element() {} }), '<a href="x'), '<a href="x');
  assertEquals(await rewrite(new HTMLRewriter().on('span', { element(e) { e.append('!'); } }),
    '<div><span>a</div>b'), '<div><span>a!</div>b');
}

export async function refusesATagThatNeverEnds() {
  const huge = `<a title="${'x'.repeat(4 * 1024 * 1024)}`;
  const error = await assertRejects(new HTMLRewriter().on('a', { element() {} })
    .transform(new Response(chunked([huge, '">']))).text(), TypeError);
  assertEquals(error.message, 'Parser error: The memory limit has been exceeded.');
}

// Outputs and messages of Cloudflare's runtime (workerd) for the same documents and handlers.
export async function behavesAsWorkersDoOnReferenceCases() {
  const cases = [
    ['<p><? pi ?><!x><![CDATA[y]]></ p>z</p>', new HTMLRewriter().on('p', { comments(c) { c.text += '!'; } }),
      '<p><!--? pi ?!--><!--x!--><!--[CDATA[y]]!--><!-- p!-->z</p>'],
    ['<div a=1 B="2" c>x</div>', new HTMLRewriter().on('div', { element(e) { e.setAttribute('a', 'x"y'); e.setAttribute('d', ''); } }),
      '<div a="x&quot;y" B="2" c d="">x</div>'],
    ['<DIV Id=1>x</DIV>', new HTMLRewriter().on('div', { element(e) { e.tagName = 'Section'; } }), '<Section Id=1>x</Section>'],
    ['<br><p>x', new HTMLRewriter().on('br, p', { element(e) { e.append('[A]'); e.prepend('[P]'); e.after('[F]'); } }), '<br>[F]<p>[P]x'],
    ['<div><span>a</div>b', new HTMLRewriter().on('span', { element(e) { e.append('[A]'); e.prepend('[P]'); e.after('[F]'); } }),
      '<div><span>[P]a[A]</div>[F]b'],
    ['<p>x</p>', new HTMLRewriter().on('p', { element(e) {
      e.after('1'); e.after('2'); e.before('3'); e.before('4'); e.prepend('5'); e.prepend('6'); e.append('7'); e.append('8');
    } }), '34<p>65x78</p>21'],
    ['<p><!--a--></p>', new HTMLRewriter().on('p', { comments(c) { c.replace('<b>', { html: true }); } }), '<p><b></p>'],
    ['<div><p>x</div>', new HTMLRewriter().on('p', { element(e) { e.onEndTag((t) => { t.after(`!${t.name}`); }); } }), '<div><p>x</div>!div'],
    ['<div><p>x', new HTMLRewriter().on('p', { element(e) { e.onEndTag((t) => t.after('!')); e.append('A'); } }), '<div><p>x'],
    ['<p><!-- x', new HTMLRewriter().onDocument({ comments(c) { if (c.text === ' x') c.text = 'y'; } }), '<p><!--y-->'],
    ['<p><a href="x', new HTMLRewriter().on('a', { element(e) { e.setAttribute('x', '1'); } }), '<p><a href="x'],
    ['<a x="1">y</a>', new HTMLRewriter().on('a', { element(e) { e.setAttribute('x', `a"b'c&d<`); } }), '<a x="a&quot;b\'c&d<">y</a>'],
  ];
  for (const [html, rewriter, expected] of cases) {
    assertEquals(await rewrite(rewriter, html), expected, html);
  }
  const order = [];
  await rewrite(new HTMLRewriter().on('div', { text(t) { order.push(`div ${t.text}`); } })
    .on('p', { text(t) { order.push(`p ${t.text}`); } })
    .onDocument({ text(t) { order.push(`doc ${t.text}`); } }), '<div>a<p>b</p>c</div>');
  assertDeepEquals(order, ['div a', 'doc a', 'div ', 'doc ', 'div b', 'p b', 'doc b', 'div ', 'p ', 'doc ',
    'div c', 'doc c', 'div ', 'doc ']);
  const selectors = [
    ['a:not(b c)', '3'], ['[a="x', '1,i'], ['*|p', '1,2,i'], ['p:nth-child( 2n + 1 )', '1'], ['p:NTH-CHILD(odd)', '1'],
    ['P', '1,2,i'], ['p:first-child:first-of-type', '1'], ['#i', 'i'], ['.c', '1'], ['[data-X]', ''], ['[data-x="Y" s]', '1'],
  ];
  for (const [selector, expected] of selectors) {
    const ids = [];
    await rewrite(new HTMLRewriter().on(selector, { element(e) { ids.push(e.getAttribute('id')); } }),
      '<div><p id=1 class="c" data-x="Y" a="x">1</p><p id=2>2</p><b><a id=3></a></b><p id=i a="x">3</p></div>');
    assertEquals(ids.join(','), expected, selector);
  }
  const messages = [
    ['', 'The selector is empty.'], ['a + b', 'Unsupported combinator `+` in selector.'],
    ['a ~ b', 'Unsupported combinator `~` in selector.'],
    ['li:last-child', 'Unsupported pseudo-class or pseudo-element in selector.'],
    ['p::before', 'Unsupported pseudo-class or pseudo-element in selector.'], ['[', 'Unexpected end of selector.'],
    ['[=x]', 'Missing attribute name in attribute selector.'], ['a >', 'Dangling combinator in selector.'],
    ['.', 'Unexpected end of selector.'], ['#', 'The selector is empty.'], ['a,', 'The selector is empty.'],
    ['svg|a', 'Selectors with explicit namespaces are not supported.'], ['a:nth-child(x)', 'Unexpected token in selector.'],
  ];
  for (const [selector, message] of messages) {
    const error = assertThrows(() => new HTMLRewriter().on(selector, {}), TypeError);
    assertEquals(error.message, `Parser error: ${message}`, selector);
  }
  assertEquals(assertThrows(() => new HTMLRewriter().on('p', { element: 'x' }), TypeError).message,
    "Incorrect type for the 'element' field on 'ElementContentHandlers': the provided value is not of type 'function'.");
  const elementErrors = [];
  await rewrite(new HTMLRewriter().on('br', { element(e) {
    for (const f of [() => { e.tagName = ''; }, () => { e.tagName = 'a>b'; }, () => e.setAttribute('', 'x'),
      () => e.setAttribute('a b', 'x'), () => e.setAttribute('a=b', 'x'), () => e.setAttribute('a"', 'x'),
      () => e.onEndTag(() => {}), () => e.onEndTag('x'), () => e.before('x', 'y')]) {
      try {
        f();
        elementErrors.push('ok');
      } catch (error) {
        elementErrors.push(error.message);
      }
    }
  } }), '<br>');
  assertDeepEquals(elementErrors, [
    "Parser error: Tag name can't be empty.", 'Parser error: `>` character is forbidden in the tag name',
    "Parser error: Attribute name can't be empty.", 'Parser error: ` ` character is forbidden in the attribute name',
    'Parser error: `=` character is forbidden in the attribute name', 'ok', 'Parser error: No end tag.',
    "Failed to execute 'onEndTag' on 'Element': parameter 1 is not of type 'function'.",
    "Failed to execute 'before' on 'Element': parameter 2 is not of type 'ContentOptions'.",
  ]);
  assertEquals(assertThrows(() => new HTMLRewriter().transform(new Response('x', {
    headers: { 'content-type': 'text/html; charset=utf-16' },
  })), TypeError).message, 'Parser error: Expected ASCII-compatible encoding.');
  const notBytes = new ReadableStream({ start(c) { c.enqueue('str'); c.close(); } });
  assertEquals((await assertRejects(new HTMLRewriter().on('*', {}).transform(new Response(notBytes)).text(), TypeError)).message,
    'This ReadableStream did not return bytes.');
}

// A worker that changes the built-ins it sees does not change how its pages are rewritten.
export async function keepsWorkingWhenTheWorkerPatchesBuiltIns() {
  const patched = [
    [Array.prototype, 'push'], [Array.prototype, 'join'], [String.prototype, 'slice'], [String.prototype, 'indexOf'],
    [String.prototype, 'charCodeAt'], [String.prototype, 'toLowerCase'], [String.prototype, 'startsWith'],
    [Map.prototype, 'get'], [Set.prototype, 'has'], [RegExp.prototype, 'exec'], [Object.getPrototypeOf(Uint8Array.prototype), 'subarray'],
    [Promise.prototype, 'then'], [ReadableStreamDefaultReader.prototype, 'read'], [ReadableStream.prototype, 'getReader'],
  ];
  const saved = patched.map(([object, name]) => Object.getOwnPropertyDescriptor(object, name));
  const rewriter = new HTMLRewriter().on('a[href^="/"]:not(.skip)', {
    element(e) { e.setAttribute('href', `https://example.com${e.getAttribute('href')}`); },
    text(t) { if (t.text) t.replace(t.text.toUpperCase()); },
  });
  const body = '<p><a href="/x">x</a><a class="skip" href="/y">y</a><!--c--></p>';
  let result;
  try {
    for (const [object, name] of patched) {
      Object.defineProperty(object, name, { value() { throw new Error(`patched ${name} was called`); }, configurable: true, writable: true });
    }
    result = rewriter.transform(new Response(body)).arrayBuffer();
  } finally {
    patched.forEach(([object, name], i) => Object.defineProperty(object, name, saved[i]));
  }
  assertEquals(new TextDecoder().decode(await result),
    '<p><a href="https://example.com/x">X</a><a class="skip" href="/y">y</a><!--c--></p>');
}

export async function cancellingTheRewrittenBodyCancelsTheOriginal() {
  let cancelled = null;
  let pulls = 0;
  const input = new ReadableStream({
    pull(controller) {
      pulls++;
      controller.enqueue(encoder.encode('<p>more</p>'));
    },
    cancel(reason) { cancelled = reason; },
  });
  const reader = new HTMLRewriter().on('p', { element() {} }).transform(new Response(input)).body.getReader();
  assertEquals(new TextDecoder().decode((await reader.read()).value), '<p>more</p>');
  await reader.cancel('enough');
  assertEquals(cancelled, 'enough');
  assert(pulls <= 2, `the input is read as the output is, not ahead of it (${pulls} pulls)`);
}
