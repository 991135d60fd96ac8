/**
 * [ours] facts are fidelity findings, never contract failures: a real server that refuses a body past the
 * vendor's 2 MB limit (`x-max-body-bytes`) with 400 instead of the mock's 413 (`x-status-source: ours` on
 * PayloadTooLarge) passes a run that is not strict, and the report names the difference. A 5xx there stays
 * a contract failure (interfaces.md §3).
 */
import { describe, expect, it } from 'vitest';
import { broken } from '../broken-variants/index.ts';
import { makeApp, run } from '../contract-helpers.ts';

/** The mock, except that every 413 is answered as 400 with the same Error body (or as `status`). */
const answering = async (status: number) => {
  const app = await makeApp();
  return broken(app, async (url, init, next) => {
    const response = await next(url, init);
    if (response.status !== 413) return response;
    return new Response(await response.text(), { status, headers: { 'Content-Type': 'application/json' } });
  });
};

describe('the contract runner against a server that answers 400 instead of 413 for an oversized body', () => {
  it('passes without --strict, and reports one fidelity finding for oversized_body_rejected', async () => {
    const { report } = await run(await answering(400), { strict: false, allowWrites: true, examples: 5 });
    expect(report.failures.filter((f) => f.severity === 'contract')).toEqual([]);
    expect(report.verdict).toBe('passed');
    const findings = report.failures.filter((f) => f.severity === 'fidelity');
    expect(findings.map((f) => f.check)).toEqual(['oversized_body_rejected']);
    expect(report.totals.contractFailures).toBe(0);
    expect(report.totals.fidelityFindings).toBeGreaterThan(0);
  });

  it('fails with --strict, and a 5xx for an oversized body stays a contract failure', async () => {
    const strict = await run(await answering(400), {
      strict: true,
      allowWrites: true,
      checks: ['oversized_body_rejected'],
    });
    expect(strict.report.verdict).toBe('failed');
    const crashed = await run(await answering(500), {
      strict: false,
      allowWrites: true,
      checks: ['oversized_body_rejected'],
    });
    expect(crashed.report.verdict).toBe('failed');
    expect(crashed.report.failures.map((f) => [f.check, f.severity])).toContainEqual([
      'oversized_body_rejected',
      'contract',
    ]);
  });
});
