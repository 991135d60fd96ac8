/** JUnit XML, as CI systems read it: a test suite per kind of check, a test case per check. */
import type { CheckResult, RunReport } from '../runner.ts';

/** XML 1.0 allows neither most control characters nor lone surrogates; they are dropped. */
function escape(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function details(result: CheckResult): string {
  return result.exchanges
    .map((e) =>
      [
        `${e.method} ${e.url}`,
        ...Object.entries(e.requestHeaders).map(([k, v]) => `${k}: ${v}`),
        e.requestBody === undefined ? '' : `\n${e.requestBody}`,
        `→ ${e.status}`,
        ...Object.entries(e.responseHeaders).map(([k, v]) => `${k}: ${v}`),
        e.responseBody ? `\n${e.responseBody}` : '',
      ]
        .filter((line) => line !== '')
        .join('\n'),
    )
    .join('\n\n');
}

function testCase(result: CheckResult): string {
  const attrs = `name="${escape(result.name)}" classname="contract.${escape(result.kind)}.${escape(result.operationId)}" time="${(result.durationMs / 1000).toFixed(3)}"`;
  if (result.outcome === 'passed') return `    <testcase ${attrs}/>`;
  if (result.outcome === 'skipped') return `    <testcase ${attrs}>\n      <skipped message="${escape(result.reason ?? '')}"/>\n    </testcase>`;
  return [
    `    <testcase ${attrs}>`,
    `      <failure message="${escape(result.reason ?? '')}" type="${escape(result.failedCheck ?? 'failure')}">${escape(`${result.reason}\n\n${details(result)}`)}</failure>`,
    '    </testcase>',
  ].join('\n');
}

export function junitXml(report: RunReport): string {
  const kinds = [...new Set(report.results.map((r) => r.kind))];
  const count = (results: CheckResult[], outcome: CheckResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
  const seconds = (results: CheckResult[]) => (results.reduce((sum, r) => sum + r.durationMs, 0) / 1000).toFixed(3);
  const suites = kinds.map((kind) => {
    const results = report.results.filter((r) => r.kind === kind);
    return [
      `  <testsuite name="${escape(kind)}" tests="${results.length}" failures="${count(results, 'failed')}" errors="0" skipped="${count(results, 'skipped')}" time="${seconds(results)}" timestamp="${report.startedAt.replace(/\.\d+Z$/, '')}">`,
      ...results.map(testCase),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="orgs-mock contract ${escape(report.target)}" tests="${report.results.length}" failures="${report.totals.failed}" errors="0" skipped="${report.totals.skipped}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
