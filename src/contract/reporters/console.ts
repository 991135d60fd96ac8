/** The console: a line per check as it ends, the failures grouped by cause, and a closing recap. */
import type { CheckRecap, FailureGroup, RunReport } from '../report.ts';

const MARK = { passed: '✓', failed: '✗', skipped: '-', 'not run': '·' } as const;

/** The progress line of a check; `foundBy`: other checks (the response checks) that failed its requests. */
export function checkLine(recap: CheckRecap, foundBy: string[] = []): string {
  const others = foundBy.length ? `; failures in its requests are counted under ${foundBy.join(', ')}` : '';
  if (recap.outcome === 'skipped' || recap.outcome === 'not run')
    return `${MARK[recap.outcome]} ${recap.name} — ${recap.outcome}: ${recap.reason}${others}`;
  const counts =
    recap.outcome === 'failed' ? `${recap.contractFailures} contract, ${recap.fidelityFindings} fidelity; ` : '';
  const time = recap.kind === 'scenario' ? `${recap.durationMs} ms` : 'all requests of the run';
  return `${MARK[recap.outcome]} ${recap.name} (${counts}${time}${others})`;
}

export function coverageTable(rows: RunReport['coverage']): string {
  const statuses = [...new Set(rows.flatMap((r) => r.statuses.map((s) => s.status)))].sort();
  const width = Math.max(...rows.map((r) => r.operationId.length), 'operation'.length);
  const header = `${'operation'.padEnd(width)} | ${statuses.map((s) => s.padStart(3)).join(' | ')}`;
  const lines = rows.map((row) => {
    const cells = statuses.map((status) => {
      const cell = row.statuses.find((s) => s.status === status);
      return (cell ? (cell.exercised ? '✓' : '·') : ' ').padStart(3);
    });
    return `${row.operationId.padEnd(width)} | ${cells.join(' | ')}`;
  });
  return [
    header,
    '-'.repeat(header.length),
    ...lines,
    '✓ exercised · documented, not exercised (blank: not documented)',
  ].join('\n');
}

export function failureBlock(group: FailureGroup, index: number): string {
  const label = group.severity === 'contract' ? 'CONTRACT FAILURE' : 'fidelity finding';
  const lines = [
    `${index}. [${label}] ${group.check} · ${group.operation}${group.count > 1 ? ` · ${group.count} times` : ''}`,
    `   expected: ${group.expected}`,
    `   actual:   ${group.actual}`,
    `   spec:     openapi.yaml ${group.specLocation}`,
  ];
  for (const [i, example] of group.examples.entries()) {
    if (!example.request || !example.response) continue;
    lines.push(`   example ${i + 1}${group.count > 1 ? ` (${example.actual.slice(0, 100)})` : ''}:`);
    lines.push(`     $ ${example.request.curl}`);
    const headers = Object.entries(example.response.headers).filter(([k]) =>
      ['content-type', 'retry-after', 'www-authenticate', 'location'].includes(k.toLowerCase()),
    );
    lines.push(`     → ${example.response.status}${headers.map(([k, v]) => ` ${k}: ${v}`).join(';')}`);
    if (example.response.bodyStart) lines.push(`     ${example.response.bodyStart.slice(0, 300).replace(/\n/g, ' ')}`);
  }
  return lines.join('\n');
}

/** What the run left behind: the clean-up's list (with why), or the run's `leftovers` when only they are known. */
export function leftoversOf(report: RunReport): Array<{ id: number; name: string; why?: string }> {
  const listed = report.cleanup.leftover;
  const more = (report.leftovers ?? []).filter((l) => !listed.some((c) => c.id === l.id));
  return [...listed, ...more];
}

export function summary(report: RunReport): string {
  const t = report.totals;
  const out: string[] = [''];
  if (report.failures.length) {
    out.push('Failures, grouped by cause:', '');
    for (const [i, g] of report.failures.entries()) out.push(failureBlock(g, i + 1), '');
  }
  out.push('Coverage of documented statuses:', coverageTable(report.coverage), '');
  out.push('Recap per check:');
  for (const c of report.checks) {
    const counts =
      c.outcome === 'failed'
        ? ` ${c.contractFailures} contract, ${c.fidelityFindings} fidelity`
        : c.reason
          ? ` (${c.reason})`
          : '';
    out.push(`  ${MARK[c.outcome]} ${c.name.padEnd(30)} ${c.outcome}${counts}`);
  }
  out.push('');
  const removed = report.cleanup.removed.length;
  out.push(
    `${t.contractFailures} contract failures, ${t.fidelityFindings} fidelity findings; checks: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped, ${t.notRun} not run; ${report.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s against ${report.target} (run ${report.runId}, ${report.mode.allowWrites ? 'writes allowed' : 'read-only'}${report.mode.strict ? ', strict' : ''}, seed ${report.mode.seed}; removed ${removed} organizations it created, each confirmed by GET → 404)`,
  );
  if (report.notRun.length)
    out.push(
      `not run (${report.budgetExceeded ? 'the time budget ran out' : 'interrupted'}): ${report.notRun.join(', ')}`,
    );
  if (report.retriesAfter429) out.push(`note: ${report.retriesAfter429} waits on Retry-After`);
  const left = leftoversOf(report);
  if (left.length) {
    out.push('LEFT BEHIND (remove by hand):');
    for (const l of left) out.push(`  id ${l.id} "${l.name}"${'why' in l ? ` — ${l.why}` : ''}`);
  }
  if (report.error !== undefined) out.push(`the runner could not work: ${report.error}`);
  out.push(`verdict: ${report.verdict}`);
  return out.join('\n');
}
