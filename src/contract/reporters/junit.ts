/** JUnit XML, as CI systems read it: one test case per check; a failed check carries its grouped failures. */
import type { CheckRecap, RunReport } from '../report.ts';
import { failureBlock } from './console.ts';

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

export function junitXml(report: RunReport): string {
  const strict = report.mode.strict;
  const failing = (c: CheckRecap) => c.contractFailures > 0 || (strict && c.fidelityFindings > 0);
  const skipped = report.checks.filter((c) => c.outcome === 'skipped' || c.outcome === 'not run').length;
  const failures = report.checks.filter(failing).length;
  const seconds = (report.durationMs / 1000).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="orgs-mock contract ${escapeXml(report.target)}" tests="${report.checks.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds}">`,
    `  <testsuite name="contract" tests="${report.checks.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds}" timestamp="${report.startedAt.replace(/\.\d+Z$/, '')}">`,
    ...report.checks.map((c) => testCase(report, c, strict)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
