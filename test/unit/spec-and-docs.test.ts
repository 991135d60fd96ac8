/** openapi.yaml itself, and the README's promises about it. */
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/config.ts';
import { messages } from '../../src/domain/errors.ts';
import { cachedSpec } from '../../src/http/app.ts';
import { operationHandlers } from '../../src/http/handlers.ts';
import { loadFixtures } from '../../src/node/fixtures.ts';
import type { Schema } from '../../src/openapi/document.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');

/** Every `x-error-message` anywhere in the spec. */
function specMessages(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) specMessages(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'x-error-message') found.add(value as string);
      else if (key === 'x-error-messages')
        for (const text of Object.values(value as Record<string, string>)) found.add(text);
      else specMessages(value, found);
    }
  }
  return found;
}

/** The catalogue's texts, with parameters filled by placeholders that the README shows. */
function catalogueMessages(): string[] {
  return Object.values(messages).map((m) =>
    typeof m === 'function' ? (m as (...a: string[]) => string)('{x}', '{y}', '{z}') : m,
  );
}

describe('openapi.yaml', () => {
  it('passes swagger-parser validation as OpenAPI 3.0.3', async () => {
    const api = (await SwaggerParser.validate('openapi.yaml')) as { openapi: string };
    expect(api.openapi).toBe('3.0.3');
  });

  it('declares exactly the operations the mock serves', async () => {
    const spec = await cachedSpec();
    const bearerOps = spec.operations.filter((op) => op.bearer).map((op) => op.operationId);
    expect(bearerOps.sort()).toEqual(Object.keys(operationHandlers).sort());
    expect(spec.operations.map((op) => op.operationId)).toContain('issueToken');
  });

  it('gives every constrained request field a message', async () => {
    const spec = await cachedSpec();
    for (const op of spec.operations) {
      for (const p of op.parameters.filter((p) => p.in === 'query' && op.bearer)) {
        expect(p.schema['x-error-message'], `${op.operationId} ${p.name}`).toBeTruthy();
      }
      const body = op.requestBody?.content['application/json']?.schema;
      const walk = (schema: Schema, path: string) => {
        expect(schema['x-error-message'], path).toBeTruthy();
        for (const [name, child] of Object.entries(schema.properties ?? {})) walk(child, `${path}.${name}`);
      };
      if (body) walk(body, op.operationId);
    }
  });
});

describe('README and docs/', () => {
  it('lists exactly the texts the mock can send: the catalogue and the spec’s messages, no more, no fewer', async () => {
    const spec = await cachedSpec();
    const placeholder = (text: string) => text.replace(/\{[^}]*\}/g, '{}');
    const sendable = new Set([...specMessages(spec.raw), ...catalogueMessages()].map(placeholder));
    const section = doc('errors.md');
    // The message is the second cell of each table row: | status or code | `text` | when |
    const listed = [...section.matchAll(/^\| [^|]+ \| `([^`]+)` \|/gm)].map((m) => placeholder(m[1] as string));
    expect(new Set(listed).size, 'a text listed twice').toBe(listed.length);
    expect([...listed].sort()).toEqual([...sendable].sort());
  });

  it('lists every static token and client, and docs/configuration.md every setting', () => {
    const fixtures = loadFixtures();
    for (const t of fixtures.tokens) expect(readme).toContain(t.token);
    for (const c of fixtures.clients) expect(readme).toContain(c.clientSecret);
    const configuration = doc('configuration.md');
    for (const s of SETTINGS) {
      expect(configuration).toContain(`| \`${s.env}\` | \`${s.flag}\` |`);
    }
  });

  it('gives the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
