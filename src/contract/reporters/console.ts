/** The console: a live line per check, then the summary and the coverage table. */
import type { CheckResult, CoverageRow, RunReport } from '../runner.ts';

const MARK = { passed: '✓', failed: '✗', skipped: '-' } as const;

export function resultLine(result: CheckResult): string {
  const base = `${MARK[result.outcome]} ${result.name}`;
  if (result.outcome === 'passed') return `${base} (${result.durationMs} ms)`;
  return `${base} — ${result.reason}`;
}

export function coverageTable(rows: CoverageRow[]): string {
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
  return [header, '-'.repeat(header.length), ...lines, '✓ exercised · documented, not exercised (blank: not documented)'].join('\n');
}

export function summary(report: RunReport): string {
  const { passed, failed, skipped } = report.totals;
  const notes = [
    report.budgetExceeded ? 'the time budget ran out' : '',
    report.interrupted ? 'the run was interrupted' : '',
    report.retriesAfter429 ? `${report.retriesAfter429} retries after 429` : '',
    report.cleanup.leftover.length ? `could not remove organizations ${report.cleanup.leftover.join(', ')}` : '',
  ].filter(Boolean);
  return [
    '',
    'Coverage of documented statuses:',
    coverageTable(report.coverage),
    '',
    `${passed} passed, ${failed} failed, ${skipped} skipped in ${(report.durationMs / 1000).toFixed(1)} s against ${report.target} (run ${report.runId}${report.allowWrites ? ', writes allowed' : ', read-only'}; removed ${report.cleanup.deleted.length} organizations it created)`,
    ...notes.map((n) => `note: ${n}`),
  ].join('\n');
}
