/**
 * What docs/architecture.md and docs/not-modelled.md claim, held against the code: the imports of
 * src/config.ts, the Node-only globals of the web-standard layers, the one home of the body limit, and
 * the list of what the mock leaves out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const sources = (folder: string) =>
  (readdirSync(new URL(folder, root), { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `${folder}${file}`);
/** Imports that stay in the JavaScript (type-only ones are erased). */
const valueImports = (text: string) =>
  [...text.matchAll(/^import (?!type )[^;]*? from '([^']+)'/gm)].map((m) => m[1] as string);
const NODE_GLOBALS = /\b(setImmediate|process\.|Buffer\.|require\(|__dirname)/;
/** The lines that are code, not comments. */
const codeLines = (text: string) => text.split('\n').filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line));
const architecture = read('docs/architecture.md');
const row = (folder: string) => architecture.split('\n').find((line) => line.startsWith(`| \`${folder}\``)) ?? '';

describe('docs/architecture.md is true', () => {
  it('names what src/config.ts imports of the project', () => {
    const ours = valueImports(read('src/config.ts')).filter((path) => path.startsWith('.'));
    expect(ours.length).toBeGreaterThan(0);
    for (const path of ours) expect(row('src/config.ts'), path).toContain(`\`src/${path.replace(/^\.\//, '')}\``);
  });

  it('names every Node-only global of src/http, and src/domain has none and no Node import', () => {
    for (const file of sources('src/http/')) {
      const used = codeLines(read(file)).flatMap((line) => line.match(NODE_GLOBALS)?.[1] ?? []);
      for (const name of used) expect(row('src/http/'), `${file} uses ${name}`).toContain(`\`${name}\``);
      for (const path of valueImports(read(file))) expect(path, file).not.toMatch(/^node:/);
    }
    for (const file of sources('src/domain/')) {
      const code = codeLines(read(file)).join('\n');
      expect(code, file).not.toMatch(NODE_GLOBALS);
      for (const path of valueImports(code)) expect(path, file).not.toMatch(/^node:/);
    }
  });

  it('the body limit has one home, openapi.yaml: no other literal of it in the mock', () => {
    expect(read('openapi.yaml')).toMatch(/^x-max-body-bytes: 2097152$/m);
    expect(architecture).toContain('`x-max-body-bytes`');
    const mock = [...sources('src/http/'), ...sources('src/domain/'), ...sources('src/openapi/'), 'src/config.ts'];
    for (const file of mock) {
      for (const line of codeLines(read(file))) {
        expect(line, file).not.toMatch(/\b2 \* 1024 \* 1024|2_097_152|2097152|'[^']*2 MB[^']*'/);
      }
    }
  });
});

describe('docs/not-modelled.md', () => {
  it('is linked from the README and gives each left-out feature a source and a workaround', () => {
    expect(read('README.md')).toContain('(docs/not-modelled.md)');
    const rows = read('docs/not-modelled.md')
      .split('\n')
      .filter((line) => line.startsWith('| **'))
      .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, '').trim()));
    for (const feature of [
      'Get sub-organizations',
      '"Clients" and "Partners"',
      'Issuing user-scoped tokens',
      'View Sub Organizations',
      'plan limit of 200',
      'isActive',
      'update path',
    ]) {
      const found = rows.find((cells) => (cells[0] ?? '').includes(feature));
      expect(found, feature).toBeDefined();
      expect(found?.length, feature).toBe(4);
      for (const cell of found ?? []) expect(cell.length, `${feature}: ${cell}`).toBeGreaterThan(10);
    }
  });
});
