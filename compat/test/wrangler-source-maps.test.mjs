// wrangler 4.86 with `upload_source_maps = true` sends the bundle's source map with a TypeScript
// worker; tenantd keeps it with the version and the invocation records' stacks point at the
// original TypeScript file and line. Without the setting the stack stays on the bundle.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TENANT_SUFFIX, api, eventually, hit, project, show, startTenantd, uploadDispatcher, wrangler } from './helpers.mjs';

const NS = 'mapped-customers';

// Types and functions before the throw, so the bundle's lines differ from the source's.
const SOURCE = `interface Order {
  id: string;
  items: number;
  note?: string;
}

type Verdict = 'accept' | 'reject';

function judge(order: Order): Verdict {
  return order.items > 0 ? 'accept' : 'reject';
}

function checkout(path: string): Response {
  const order: Order = { id: path, items: 0 };
  if (judge(order) === 'reject') {
    throw new Error(\`refused \${path}\`);
  }
  return new Response('ok');
}

export default {
  async fetch(request: Request): Promise<Response> {
    return checkout(new URL(request.url).pathname);
  },
};
`;
const lineOf = (text) => SOURCE.split('\n').findIndex((l) => l.includes(text)) + 1;
const THROW_LINE = lineOf('throw new Error');
const CALL_LINE = lineOf('return checkout(');

function tsProject(name, { maps }) {
  return project({
    'wrangler.toml': `name = "${name}"
main = "src/index.ts"
compatibility_date = "2025-01-01"
${maps ? 'upload_source_maps = true\n' : ''}`,
    'src/index.ts': SOURCE,
  });
}

describe('wrangler deploy with upload_source_maps', () => {
  let server;
  before(async () => {
    server = await startTenantd();
    const ns = await wrangler(server, ['dispatch-namespace', 'create', NS]);
    assert.equal(ns.code, 0, show(ns));
    const up = await uploadDispatcher(server, NS, 'maps');
    assert.equal(up.status, 200, up.text);
  });
  after(async () => { await server?.stop(); });

  /** The stack of the newest exception record of `script` whose message holds `marker`. */
  const stackOf = async (script, marker) => {
    const record = await eventually(async () => {
      const r = await api(server, 'GET',
        `A/workers/observability/invocations?script=${script}&outcome=exception&q=${encodeURIComponent(marker)}`);
      assert.equal(r.status, 200, r.text);
      return r.json.result[0];
    }, { timeoutMs: 20_000, intervalMs: 200 });
    assert.ok(record, `no exception record of ${script} for ${marker}`);
    return record.exceptions[0].stack;
  };

  test('a plain TypeScript worker: the thrown frame points at src/index.ts and the line of the throw', async () => {
    const r = await wrangler(server, ['deploy'], { cwd: tsProject('ts-mapped', { maps: true }) });
    assert.equal(r.code, 0, show(r));
    const marker = `/boom-${Date.now()}`;
    assert.equal((await hit(server, 'ts-mapped.localhost', marker)).status, 500);
    const stack = await stackOf('ts-mapped', marker);
    const lines = stack.split('\n');
    assert.equal(lines[0], `Error: refused ${marker}`, stack);
    assert.match(lines[1], new RegExp(`^\\s+at checkout \\(src/index\\.ts:${THROW_LINE}:\\d+\\)$`), stack);
    assert.match(stack, new RegExp(`at \\S*fetch \\(src/index\\.ts:${CALL_LINE}:\\d+\\)`), stack);
    assert.doesNotMatch(stack, /index\.js/, stack);
  });

  test('a user worker deployed into a dispatch namespace maps the same way', async () => {
    const r = await wrangler(server, ['deploy', '--dispatch-namespace', NS], { cwd: tsProject('ts-customer', { maps: true }) });
    assert.equal(r.code, 0, show(r));
    const marker = `/boom-${Date.now()}`;
    // The dispatch worker catches the user worker's exception and answers 502.
    assert.equal((await hit(server, `ts-customer.${TENANT_SUFFIX}`, marker)).status, 502);
    const stack = await stackOf('ts-customer', marker);
    assert.match(stack.split('\n')[1], new RegExp(`\\(src/index\\.ts:${THROW_LINE}:\\d+\\)$`), stack);
  });

  test('a worker deployed without upload_source_maps keeps the stack of its bundle', async () => {
    const r = await wrangler(server, ['deploy'], { cwd: tsProject('ts-raw', { maps: false }) });
    assert.equal(r.code, 0, show(r));
    const marker = `/boom-${Date.now()}`;
    assert.equal((await hit(server, 'ts-raw.localhost', marker)).status, 500);
    const stack = await stackOf('ts-raw', marker);
    assert.match(stack.split('\n')[1], /\(index\.js:\d+:\d+\)$/, stack);
    assert.doesNotMatch(stack, /index\.ts/, stack);
  });
});
