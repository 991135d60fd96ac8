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
