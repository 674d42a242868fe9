// Turns the two runtimes' reports into per-suite counts, the to-do list (subtests that pass on
// workerd and fail on tenantd) grouped into categories, and prints them as text or markdown.

/** A failure message with its particulars (quoted values, numbers) taken out, to group by. */
export function category(message) {
  return String(message || '(no message)')
    .replace(/\s+/g, ' ')
    .replace(/(Invalid URL:?) \S*/g, '$1 …')
    // assert_throws_js names the classes in parentheses, ("RangeError"): those stay, they tell
    // failures apart.
    .replace(/\("(\w{1,30})"\)/g, '(\u0000$1\u0000)')
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/'(?:[^'\\]|\\.)*'/g, "'…'")
    .replace(/\u0000/g, '"')
    .replace(/\b\d+(\.\d+)?\b/g, 'N')
    .slice(0, 160);
}

function countBy(items, key) {
  const m = new Map();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}

export function summarize({ files, runs, results, targets, domSubtests = {} }) {
  const suites = [...new Set([...files.map((f) => f.suite)])];
  const out = [];
  for (const suite of suites) {
    const s = { suite, skipped: files.filter((f) => f.suite === suite && f.skip), files: files.filter((f) => f.suite === suite && !f.skip).length,
      workers: 0, domSkipped: 0, subtests: [], broken: Object.fromEntries(targets.map((t) => [t, []])), harness: Object.fromEntries(targets.map((t) => [t, []])) };
    for (const run of runs.filter((r) => r.suite === suite)) {
      s.workers++;
      // The subtests of a file are the ones either runtime reported: a runtime on which the
      // file did not load or did not report fails all of them.
      const names = [];
      const byTarget = {};
      for (const t of targets) {
        const r = results[t]?.[run.id];
        byTarget[t] = new Map();
        if (!r || r.error) { s.broken[t].push({ id: run.id, why: r ? r.error : 'not run' }); continue; }
        if (r.harness.status !== 'OK' || r.harness.loadError) s.harness[t].push({ id: run.id, why: `${r.harness.status}${r.harness.message ? `: ${r.harness.message}` : ''}${r.harness.loadError ? ` (thrown at load: ${r.harness.loadError})` : ''}` });
        const seen = new Map();
        for (const test of r.tests) {
          if (domSubtests[run.path]?.test(test.name)) { if (t === targets[0]) s.domSkipped++; continue; }
          const n = (seen.get(test.name) ?? 0) + 1;
          seen.set(test.name, n);
          const name = n > 1 ? `${test.name} #${n}` : test.name;
          byTarget[t].set(name, test);
          if (!names.includes(name)) names.push(name);
        }
      }
      if (names.length === 0) names.push('(the whole file: no runtime reported a subtest)');
      for (const name of names) {
        const row = { run: run.id, name, on: {} };
        for (const t of targets) {
          const test = byTarget[t].get(name);
          const broken = s.broken[t].find((b) => b.id === run.id);
          row.on[t] = test ? { pass: test.status === 'PASS', status: test.status, message: test.message }
            : { pass: false, status: broken ? 'FILE FAILED' : 'MISSING', message: broken ? broken.why : 'not reported by this runtime' };
        }
        s.subtests.push(row);
      }
    }
    s.passed = Object.fromEntries(targets.map((t) => [t, s.subtests.filter((r) => r.on[t].pass).length]));
    s.total = s.subtests.length;
    if (targets.includes('tenantd') && targets.includes('workerd')) {
      s.todo = s.subtests.filter((r) => r.on.workerd.pass && !r.on.tenantd.pass);
      s.ahead = s.subtests.filter((r) => r.on.tenantd.pass && !r.on.workerd.pass);
      s.bothFail = s.subtests.filter((r) => !r.on.tenantd.pass && !r.on.workerd.pass);
      s.byMessage = countBy(s.todo, (r) => category(`${r.on.tenantd.status === 'FAIL' ? '' : `${r.on.tenantd.status}: `}${r.on.tenantd.message}`));
      s.byFile = countBy(s.todo, (r) => r.run);
    }
    out.push(s);
  }
  const behind = out.filter((s) => s.todo && s.passed.tenantd < s.passed.workerd).map((s) => s.suite);
  return { suites: out, targets, behind };
}

const TODO_LIMIT_TEXT = 40;
const TODO_PER_FILE_MD = 25;
const CATEGORY_LIMIT = 10;
const SKIPPED_NAMES_TEXT = 6;

export function renderReport(summary, { markdown, compatDate, wptDir }) {
  const { suites, targets } = summary;
  const both = targets.includes('tenantd') && targets.includes('workerd');
  const L = [];
  const cell = (s, t) => `${s.passed[t]} / ${s.total}`;
  if (markdown) {
    L.push('# web-platform-tests: tenantd and workerd side by side', '',
      `Worker-compatible tests of each suite, run inside a service worker at compatibility date ${compatDate} on both`
      + ' runtimes, from the same generated scripts (wpt/run.sh). A subtest counts when either runtime reports it;'
      + ' a file that does not load or does not answer fails all of its subtests on that runtime.', '',
      `Tests: ${wptDir} (${summary.wptRevision})`, '');
  }
  L.push('', `| suite | files (variants) | skipped files | ${targets.map((t) => `${t} passed / total`).join(' | ')} |${both ? ' workerd only | tenantd only |' : ''}`,
    `|---|---|---|${targets.map(() => '---|').join('')}${both ? '---|---|' : ''}`);
  for (const s of suites) {
    L.push(`| ${s.suite} | ${s.files} (${s.workers}) | ${s.skipped.length} | ${targets.map((t) => cell(s, t)).join(' | ')} |${both ? ` ${s.todo.length} | ${s.ahead.length} |` : ''}`);
  }
  const sum = (f) => suites.reduce((n, s) => n + f(s), 0);
  L.push(`| **all** | ${sum((s) => s.files)} (${sum((s) => s.workers)}) | ${sum((s) => s.skipped.length)} | ${targets.map((t) => `${sum((s) => s.passed[t])} / ${sum((s) => s.total)}`).join(' | ')} |${both ? ` ${sum((s) => s.todo.length)} | ${sum((s) => s.ahead.length)} |` : ''}`);

  for (const s of suites) {
    L.push('', markdown ? `## ${s.suite}` : `==== ${s.suite}`);
    for (const t of targets) {
      if (s.broken[t].length) {
        L.push('', `Files that did not load or did not answer on ${t} (all their subtests count as failed):`);
        for (const b of s.broken[t]) L.push(`- ${b.id}: ${b.why}`);
      }
      if (s.harness[t].length) {
        L.push('', `Harness errors on ${t} (the subtests reported still count):`);
        for (const b of s.harness[t]) L.push(`- ${b.id}: ${b.why}`);
      }
    }
    if (both && s.todo.length) {
      L.push('', `To do: ${s.todo.length} subtests pass on workerd and fail on tenantd. By failure message:`, '');
      for (const [msg, n] of s.byMessage.slice(0, CATEGORY_LIMIT)) L.push(`- ${n} × ${msg}`);
      if (s.byMessage.length > CATEGORY_LIMIT) L.push(`- … ${s.byMessage.length - CATEGORY_LIMIT} more kinds`);
      L.push('', 'By file:', '');
      for (const [file, n] of s.byFile) L.push(`- ${n} × ${file}`);
      // The markdown file lists the first subtests of every file; the counts above cover the rest.
      const perFile = new Map();
      const list = markdown
        ? s.todo.filter((r) => { perFile.set(r.run, (perFile.get(r.run) ?? 0) + 1); return perFile.get(r.run) <= TODO_PER_FILE_MD; })
        : s.todo.slice(0, TODO_LIMIT_TEXT);
      L.push('', markdown ? `<details><summary>the subtests (at most ${TODO_PER_FILE_MD} per file)</summary>\n` : 'Subtests:', '');
      for (const r of list) L.push(`- ${r.run} :: ${r.name.replace(/\s+/g, ' ').slice(0, 200)} — ${r.on.tenantd.status}: ${String(r.on.tenantd.message).replace(/\s+/g, ' ').slice(0, 200)}`);
      if (list.length < s.todo.length) L.push(`- … ${s.todo.length - list.length} more${markdown ? '' : ' (more of them: --write; all: WPT_RESULTS_JSON)'}`);
      if (markdown) L.push('', '</details>');
    }
    if (both && s.ahead.length) {
      L.push('', `${s.ahead.length} subtests pass on tenantd and fail on workerd; ${s.bothFail.length} fail on both.`);
    } else if (both) L.push('', `${s.bothFail.length} subtests fail on both.`);
    if (s.skipped.length || s.domSkipped) {
      L.push('', 'Skipped:', '');
      for (const [reason, n] of countBy(s.skipped, (f) => f.skip)) {
        const names = s.skipped.filter((f) => f.skip === reason).map((f) => f.path);
        const shown = markdown || names.length <= SKIPPED_NAMES_TEXT ? names : names.slice(0, SKIPPED_NAMES_TEXT);
        L.push(`- ${n} file${n === 1 ? '' : 's'}: ${reason}: ${shown.join(', ')}${shown.length < names.length ? `, … ${names.length - shown.length} more` : ''}`);
      }
      if (s.domSkipped) L.push(`- ${s.domSkipped} subtests of .window.js files run in a worker that need a DOM (<a>, <area>): not counted`);
    }
  }
  if (both) {
    L.push('', summary.behind.length ? `tenantd passes fewer subtests than workerd in: ${summary.behind.join(', ')}` : 'tenantd passes at least as many subtests as workerd in every suite.');
  }
  return L.join('\n') + '\n';
}
