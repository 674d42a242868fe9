// The local origin the HTMLRewriter worker fetches: a 10 MB page, written in 64 KiB pieces that
// cut through tags. The first piece waits for nothing; the rest wait until the client has
// received the first bytes of the rewritten answer, so a rewriter that buffers the whole page
// never answers; the origin then breaks off the page after 30 s, and the case fails.
import crypto from 'node:crypto';
import http from 'node:http';

export const PAGE_BYTES = 10 * 1024 * 1024;
const GIVE_UP_MS = 30_000;
const HEAD = '<!doctype html>\n<html><head><meta charset="utf-8"><title>tenantd packages page</title></head>\n<body>\n';
const TAIL = '</body></html>\n';

function* blocks() {
  let size = HEAD.length + TAIL.length;
  for (let i = 0; ; i++) {
    const b = `<p id="p${i}">Paragraph ${i}: <a href="/docs/${i}">doc ${i}</a>, <a href="https://other.example/${i}">elsewhere</a> <!-- c${i} --></p>\n`;
    if (size + b.length > PAGE_BYTES) return;
    size += b.length;
    yield b;
  }
}

export function pageText() {
  return HEAD + [...blocks()].join('') + TAIL;
}

/** The page itself: sha256 and length. */
export function expectedPage() {
  const page = Buffer.from(pageText());
  return { bytes: page.length, sha256: crypto.createHash('sha256').update(page).digest('hex') };
}

/** What the rewriter worker must answer for the page: sha256, length and the number of rewritten links. */
export function expectedRewrite() {
  let links = 0;
  const body = pageText()
    .replace('<title>tenantd packages page</title>', '<title>TENANTD PACKAGES PAGE</title>')
    .replace(/<a href="\/([^"]*)">/g, (_, rest) => { links++; return `<a href="https://cdn.example/${rest}">`; });
  const out = Buffer.from(body + `<!-- ${links} links -->`);
  return { bytes: out.length, sha256: crypto.createHash('sha256').update(out).digest('hex'), links };
}

export async function startOrigin() {
  const page = Buffer.from(pageText());
  let release = () => {};
  const server = http.createServer(async (req, res) => {
    if (req.url !== '/page') { res.writeHead(404).end('not found'); return; }
    const clientSaw = new Promise((r) => { release = r; });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    const piece = 64 * 1024;
    const first = 16 * piece;
    res.write(page.subarray(0, first));
    // A runtime that holds the answer back until the whole page is in would wait here for
    // good; the origin gives up after a while so that such a run fails soon, by a broken body.
    let timer;
    const gaveUp = new Promise((r) => { timer = setTimeout(r, GIVE_UP_MS, 'gave up'); });
    const outcome = await Promise.race([clientSaw, gaveUp]);
    clearTimeout(timer);
    if (outcome === 'gave up') {
      res.destroy();
      return;
    }
    for (let at = first; at < page.length; at += piece) {
      if (!res.write(page.subarray(at, at + piece))) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** The client calls this when the first bytes of the answer arrived. */
    clientSawFirstBytes: () => release(),
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}
