/** `contract diff`: each difference once; values that differ but are both valid are data, not the contract. */
import { describe, expect, it } from 'vitest';
import { contractDifferences, DATA_DIFFERS, diffReports, formatDifferences } from '../../src/contract/diff.ts';
import type { RunReport } from '../../src/contract/report.ts';
import type { LoggedExchange, RunResult } from '../../src/contract/runner.ts';
import { cachedSpec } from '../../src/http/app.ts';

const org = (fields: Record<string, unknown>) => ({ id: 7, name: 'Acme', tz: 'UTC', lastModifiedTs: 1, ...fields });

const get = (check: string, body: unknown, status = 200): LoggedExchange => ({
  check,
  method: 'GET',
  url: 'http://a.test/api/v1/organization?orgId=7',
  status,
  responseBody: JSON.stringify(body),
});

// cast: diff reads only the report's runId; the rest of a report plays no part here.
const result = (log: LoggedExchange[]): RunResult => ({ report: { runId: 'abcd1234' } as RunReport, log });

describe('diffReports', () => {
  it('address null on one side, an object on the other, other ids and times: data differs, both valid', async () => {
    const a = result([get('visibility', org({ address: null, lastModifiedTs: 1 }))]);
    const b = result([get('visibility', org({ id: 8, address: { city: 'Kyiv' }, lastModifiedTs: 2 }))]);
    const diffs = diffReports(a, b, await cachedSpec());
    expect(diffs).toEqual([
      {
        check: 'visibility',
        request: 'GET /api/v1/organization?orgId=7',
        aspect: DATA_DIFFERS,
        a: '$.address: null',
        b: '$.address: object, $.address.city: string',
      },
    ]);
    expect(contractDifferences(diffs)).toEqual([]);
    expect(formatDifferences(diffs, 'A', 'B')).toMatch(
      /^No differences between A and B\.\n1 where the data differs but both answers match openapi\.yaml/,
    );
  });

  it('a body that breaks the schema on one side stays a contract difference', async () => {
    const { tz: _tz, ...noZone } = org({});
    const diffs = diffReports(
      result([get('visibility', org({}))]),
      result([get('visibility', noZone)]),
      await cachedSpec(),
    );
    expect(diffs.map((d) => d.aspect)).toEqual(['body shape']);
    expect(contractDifferences(diffs)).toHaveLength(1);
  });

  it('the same difference shown by several exchanges and checks is reported once', async () => {
    const good = org({});
    const bad = { message: 'broken' };
    const a = result([get('visibility', good), get('visibility', good), get('unknown_id_not_found', good)]);
    const b = result([get('visibility', bad), get('visibility', bad), get('unknown_id_not_found', bad)]);
    const diffs = diffReports(a, b, await cachedSpec());
    expect(diffs).toHaveLength(1);
    expect(diffs[0]).toMatchObject({ check: 'visibility', aspect: 'body shape', times: 3 });
    expect(formatDifferences(diffs, 'A', 'B')).toMatch(/\(3 exchanges\)$/);
  });
});
