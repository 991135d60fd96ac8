/** JUnit XML, as CI systems read it: one test case per check; a failed check carries its grouped failures. */
import type { CheckRecap, RunReport } from '../report.ts';
import { failureBlock, leftoversOf } from './console.ts';

/** XML 1.0 allows neither most control characters nor lone surrogates; they are dropped. */
function escapeXml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: naming the characters XML allows is the point.
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

function testCase(report: RunReport, check: CheckRecap, strict: boolean): string {
  const attrs = `name="${escapeXml(check.name)}" classname="contract.${check.kind}" time="${(check.durationMs / 1000).toFixed(3)}"`;
  const groups = report.failures.filter((g) => g.check === check.name);
  const failing = check.contractFailures > 0 || (strict && check.fidelityFindings > 0);
  if (check.outcome === 'skipped' || check.outcome === 'not run')
    return `    <testcase ${attrs}>\n      <skipped message="${escapeXml(`${check.outcome}: ${check.reason ?? ''}`)}"/>\n    </testcase>`;
  if (!failing) {
    if (groups.length === 0) return `    <testcase ${attrs}/>`;
    return `    <testcase ${attrs}>\n      <system-out>${escapeXml(groups.map((g, i) => failureBlock(g, i + 1)).join('\n\n'))}</system-out>\n    </testcase>`;
  }
  const message = `${check.contractFailures} contract failures, ${check.fidelityFindings} fidelity findings`;
  return [
    `    <testcase ${attrs}>`,
    `      <failure message="${escapeXml(message)}" type="${escapeXml(check.name)}">${escapeXml(groups.map((g, i) => failureBlock(g, i + 1)).join('\n\n'))}</failure>`,
    '    </testcase>',
  ].join('\n');
}

/** What the run left behind (leftovers fail the run), and why it could not work: test cases of their own. */
function runCases(report: RunReport): { cases: string[]; failures: number; errors: number } {
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  const left = leftoversOf(report);
  if (left.length) {
    failures++;
    const list = left.map((l) => `id ${l.id} "${l.name}"${'why' in l ? ` — ${l.why}` : ''}`).join('\n');
    cases.push(
      `    <testcase name="cleanup" classname="contract.run" time="0.000">\n      <failure message="${escapeXml(`${left.length} organizations of the run left behind (remove by hand)`)}" type="leftovers">${escapeXml(list)}</failure>\n    </testcase>`,
    );
  }
  if (report.error !== undefined) {
    errors++;
    cases.push(
      `    <testcase name="runner" classname="contract.run" time="${(report.durationMs / 1000).toFixed(3)}">\n      <error message="${escapeXml(`the runner could not work: ${report.error}`)}" type="runner"/>\n    </testcase>`,
    );
  }
  return { cases, failures, errors };
}

export function junitXml(report: RunReport): string {
  const strict = report.mode.strict;
  const failing = (c: CheckRecap) => c.contractFailures > 0 || (strict && c.fidelityFindings > 0);
  const skipped = report.checks.filter((c) => c.outcome === 'skipped' || c.outcome === 'not run').length;
  const run = runCases(report);
  const failures = report.checks.filter(failing).length + run.failures;
  const tests = report.checks.length + run.cases.length;
  const seconds = (report.durationMs / 1000).toFixed(3);
  const counts = `tests="${tests}" failures="${failures}" errors="${run.errors}" skipped="${skipped}" time="${seconds}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="orgs-mock contract ${escapeXml(report.target)}" ${counts}>`,
    `  <testsuite name="contract" ${counts} timestamp="${report.startedAt.replace(/\.\d+Z$/, '')}">`,
    ...report.checks.map((c) => testCase(report, c, strict)),
    ...run.cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
