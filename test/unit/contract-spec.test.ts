/**
 * What the runner reads from openapi.yaml: severities from the x-source marks (not from a list in code),
 * and documented refusal messages that agree with what the mock really answers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ContractSpec, fillMessage } from '../../src/contract/contract-spec.ts';
import { messages } from '../../src/domain/errors.ts';
import { cachedSpec } from '../../src/http/app.ts';
import { specDocument } from '../../src/openapi/model.ts';

describe('severities come from openapi.yaml', () => {
  it('reads [doc] and [ours] marks, their inheritance and the document defaults', async () => {
    const spec = new ContractSpec(await cachedSpec());
    expect(spec.severityAt('#/components/responses/TooManyRequests/headers/Retry-After')).toBe('fidelity');
    expect(spec.severityAt('#/components/schemas/OrgId')).toBe('fidelity');
    expect(spec.severityAt('#/components/schemas/Organization/properties/lastModifiedTs')).toBe('contract');
    expect(spec.severityAt('#/components/schemas/OrganizationName', 'x-error-message')).toBe('fidelity');
    expect(spec.severityAt('#/components/schemas/OrganizationName', 'x-trim')).toBe('fidelity');
    expect(spec.defaultSource('undeclared-fields')).toBe('fidelity');
    const notVisible = spec.refusal('getOrganization', 'notVisible');
    expect([notVisible?.status, notVisible?.messageSeverity, notVisible?.ruleSeverity]).toEqual([
      404,
      'contract',
      'contract',
    ]);
    const hasChildren = spec.refusal('deleteOrganization', 'hasChildren');
    expect([hasChildren?.ruleSeverity, hasChildren?.messageSeverity]).toEqual(['contract', 'fidelity']);
  });

  it('a mark changed in the spec changes the severity', async () => {
    // The bundled document with one default changed, as if openapi.yaml said it (no second swagger-parser run).
    const bundled = await cachedSpec();
    expect(new ContractSpec(bundled).severityAt('#/components/schemas/OrganizationName', 'x-error-message')).toBe(
      'fidelity',
    );
    const sources = { ...(bundled.raw['x-contract-sources'] as object), 'error-message': 'doc' };
    const spec = new ContractSpec(specDocument({ ...bundled.raw, 'x-contract-sources': sources }, bundled.text, ''));
    expect(spec.severityAt('#/components/schemas/OrganizationName', 'x-error-message')).toBe('contract');
  });
});

describe('documented refusals', () => {
  it('every x-refusals message is a text the mock answers', async () => {
    const spec = new ContractSpec(await cachedSpec());
    const catalogue = new Set(
      Object.values(messages).map((m) =>
        typeof m === 'function' ? (m as (...a: unknown[]) => string)('{x}', '{x}', '{x}') : m,
      ),
    );
    const normal = (text: string) => text.replace(/\{[a-zA-Z]+\}/g, '{x}');
    const texts = spec.operations.flatMap((op) =>
      [...spec.refusals(op.operationId).values()].map((r) => r.message).filter((m): m is string => Boolean(m)),
    );
    expect(texts.length).toBeGreaterThan(8);
    for (const text of texts) expect(catalogue.has(normal(text)), text).toBe(true);
    expect(fillMessage('Organization with identifier {orgId} is not found', { orgId: 7 })).toBe(
      'Organization with identifier 7 is not found',
    );
  });
});

describe('docs/contract-checks.md (the README links to it)', () => {
  it('lists every registered check with its severity', async () => {
    const { CHECKS } = await import('../../src/contract/registry.ts');
    const text = readFileSync(new URL('../../docs/contract-checks.md', import.meta.url), 'utf8');
    for (const check of CHECKS)
      expect(text, check.name).toMatch(new RegExp(`\\| \`${check.name}\` \\| [^|]+ \\| (contract|fidelity|from|per)`));
  });
});

describe('docs/contract-checks.md', () => {
  it('lists every registered check with its description', async () => {
    const { CHECKS } = await import('../../src/contract/registry.ts');
    const text = readFileSync(new URL('../../docs/contract-checks.md', import.meta.url), 'utf8');
    for (const check of CHECKS) {
      expect(text, check.name).toContain(`| \`${check.name}\` |`);
      expect(text, check.name).toContain(check.description.replace(/\|/g, '\\|'));
    }
  });
});

describe('independence from the mock', () => {
  it('the runner imports nothing of the mock: no validators, HTTP layer or domain code, only the spec loader', async () => {
    const { readdirSync } = await import('node:fs');
    const root = new URL('../../src/contract/', import.meta.url);
    const files = (readdirSync(root, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .map((f) => new URL(f, root));
    files.push(new URL('../../src/cli/contract.ts', import.meta.url));
    expect(files.length).toBeGreaterThan(10);
    // Of the mock, only the spec loader (src/openapi/document.ts): not its validators, model or bundled copy,
    // nor anything of src/http, src/domain, src/node or src/generated.
    const FORBIDDEN = /(^|\/)(http|domain|node|generated)\/|(^|\/)openapi\/(?!document\.ts$)/;
    // The rule can fail: it refuses what the mock's files are called today, and they are there to refuse.
    for (const mock of ['../openapi/validators.ts', '../../openapi/model.ts', '../http/app.ts', '../domain/tree.ts']) {
      expect(FORBIDDEN.test(mock), mock).toBe(true);
      expect(existsSync(new URL(mock.replace(/^(\.\.\/)+/, '../../src/'), import.meta.url)), mock).toBe(true);
    }
    expect(FORBIDDEN.test('../openapi/document.ts')).toBe(false);
    for (const file of files) {
      const imports = [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1] as string);
      for (const path of imports) expect(path, `${file.pathname} imports ${path}`).not.toMatch(FORBIDDEN);
    }
  });
});

describe("the runner's files", () => {
  it('import each other in no circle (type imports included)', async () => {
    const { readdirSync } = await import('node:fs');
    const { dirname, resolve } = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const root = fileURLToPath(new URL('../../src/contract/', import.meta.url));
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const edges = new Map<string, string[]>();
    for (const f of files) {
      const path = resolve(root, f);
      const text = readFileSync(path, 'utf8');
      const targets = [...text.matchAll(/(?:from|import\()\s*'(\.[^']+\.ts)'/g)].map((m) =>
        resolve(dirname(path), m[1] as string),
      );
      edges.set(
        path,
        targets.filter((t) => t.startsWith(root)),
      );
    }
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (node: string, trail: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(node)), node].map((p) => p.slice(root.length)).join(' → '));
        return;
      }
      state.set(node, 'open');
      for (const next of edges.get(node) ?? []) visit(next, [...trail, node]);
      state.set(node, 'done');
    };
    for (const node of edges.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });
});

describe('the model of the contract (the oracle)', () => {
  const setUp = async () => {
    const { ContractModel } = await import('../../src/contract/oracle/model.ts');
    const { Oracle } = await import('../../src/contract/oracle/oracle.ts');
    const spec = new ContractSpec(await cachedSpec());
    const model = new ContractModel(spec);
    const org = (id: number, name: string, parent?: number) => ({
      id,
      name,
      ...(parent ? { parentOrganizationId: parent } : {}),
      description: '',
      tz: 'Europe/Kyiv',
      unitSystem: 'METRIC',
      phoneNumber: '',
      address: null,
      lastModifiedTs: 1_700_000_000_000,
    });
    model.load([org(1, 'Acme Corp'), org(2, 'Acme Branch', 1), org(3, 'Leaf', 2)], 1, true);
    const oracle = new Oracle(spec, model, 'tok');
    const exchange = (
      operationId: string,
      query: Record<string, string>,
      status: number,
      body: unknown,
      sent?: unknown,
    ) => ({
      request: {
        operationId,
        method: operationId === 'createOrganization' ? 'POST' : 'GET',
        path: '/',
        url: 'http://x/',
        query,
        body: sent,
        headers: { Authorization: 'Bearer tok' },
      },
      response: { status, headers: new Headers(), text: JSON.stringify(body), body },
      durationMs: 5,
    });
    return { model, oracle, org, exchange };
  };

  it('reads its rules from openapi.yaml: matching, sort keys, ties, page sizes, depth, never-set values', async () => {
    const { model } = await setUp();
    expect(model.rules.match).toEqual({ field: 'name', caseInsensitive: true, emptyMatchesAll: true });
    expect(model.rules.sortKeys).toMatchObject({ 'Organization Id': 'id', Name: 'name' });
    expect(model.rules.ties).toEqual({ by: 'id', order: 'ASC' });
    expect([model.rules.defaultSize, model.rules.maxSize, model.rules.maxQuery, model.rules.maxDepth]).toEqual([
      50, 1000, 255, 4,
    ]);
    expect(model.rules.neverSet).toEqual({ description: '', phoneNumber: '', address: null });
    expect(model.depth(3)).toEqual({ level: 3, exact: true });
    expect(model.matching(model.subtree(1), 'ACME').map((o) => o.id)).toEqual([1, 2]);
  });

  it('predicts a search page exactly for sortBy=Organization Id, totals by the query', async () => {
    const { oracle, exchange, org } = await setUp();
    const right = exchange('searchOrganizations', { query: 'acme', sortOrder: 'DESC', size: '1' }, 200, {
      content: [org(2, 'Acme Branch', 1)],
      totalElements: 2,
    });
    oracle.observe(right as never);
    expect(oracle.findingsFor(right as never)).toEqual([]);
    const wrong = exchange('searchOrganizations', { query: 'acme', sortOrder: 'DESC', size: '1', page: '1' }, 200, {
      content: [org(2, 'Acme Branch', 1)],
      totalElements: 3,
    });
    oracle.observe(wrong as never);
    expect(oracle.findingsFor(wrong as never).map((f) => f.expected)).toEqual([
      expect.stringContaining('totalElements 2'),
      expect.stringContaining('ids 1'),
    ]);
  });

  it("expects a create's fields as sent, the defaults from the parent (fidelity) and never-set fields answered", async () => {
    const { oracle, exchange, model } = await setUp();
    const created = exchange(
      'createOrganization',
      {},
      201,
      {
        id: 9,
        name: 'New One',
        parentOrganizationId: 2,
        tz: 'UTC',
        unitSystem: 'METRIC',
        description: '',
        phoneNumber: '',
        lastModifiedTs: Date.now(),
      },
      { name: '  New One ', parentId: 2 },
    );
    oracle.observe(created as never, Date.now());
    const found = oracle.findingsFor(created as never);
    expect(found.map((f) => [f.expected, f.severity])).toEqual([
      [expect.stringContaining('address null'), undefined],
      [expect.stringContaining('tz "Europe/Kyiv"'), 'fidelity'],
    ]);
    expect(model.orgs.get(9)?.parentOrganizationId).toBe(2);
  });
});
