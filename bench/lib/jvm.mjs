// The JVM options tenantd runs with in every benchmark: the ones `./tenantd serve` uses (asked of
// the launcher, so that TENANTD_JAVA_OPTS counts as it does there), then BENCH_TENANTD_JVM_ARGS
// (split on spaces; for experiments).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let launcher;

export function tenantdJvmOptions() {
  launcher ??= execFileSync('bash', [path.join(root, 'tenantd'), 'jvm-options'], { encoding: 'utf8' })
    .split('\n').filter(Boolean);
  return [...launcher, ...(process.env.BENCH_TENANTD_JVM_ARGS || '').split(' ').filter(Boolean)];
}

// Flags added to every `tenantd serve` a benchmark starts (BENCH_TENANTD_SERVE_ARGS, split on
// spaces; for experiments, e.g. `--warm-up-ms 0`).
export function tenantdServeArgs() {
  return (process.env.BENCH_TENANTD_SERVE_ARGS || '').split(' ').filter(Boolean);
}
