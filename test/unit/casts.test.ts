/**
 * Every type assertion left in src/ says why it is sound: a `cast:` comment on its line or in the comment
 * block directly above it (or above the statement it is part of). `as const` is not an assertion of a
 * type and needs none; `!` (non-null assertion) is one and needs a reason too. No `as unknown as`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url);

interface Cast {
  where: string;
  text: string;
  reasoned: boolean;
  doubled: boolean;
}

const COMMENT_WITH_REASON = /(\/\/|\/\*|^\s*\*).*\bcast:/;
const COMMENT_LINE = /^\s*(\/\/|\/\*|\*)/;

function isAssertion(node: ts.Node): node is ts.AsExpression | ts.TypeAssertion | ts.NonNullExpression {
  if (ts.isNonNullExpression(node)) return true;
  if (!ts.isAsExpression(node) && !ts.isTypeAssertionExpression(node)) return false;
  return !(ts.isTypeReferenceNode(node.type) && node.type.typeName.getText() === 'const');
}

/** A reason on this line, or in the run of comment lines directly above it. */
function reasonAt(lines: string[], line: number): boolean {
  if (COMMENT_WITH_REASON.test(lines[line] ?? '')) return true;
  for (let above = line - 1; above >= 0 && COMMENT_LINE.test(lines[above] ?? ''); above--)
    if (COMMENT_WITH_REASON.test(lines[above] ?? '')) return true;
  return false;
}

/** The lines a reason may be attached to: the assertion's own, and those of the nodes it is part of, up to its statement. */
function anchorLines(node: ts.Node, file: ts.SourceFile): number[] {
  const lines: number[] = [];
  for (let at: ts.Node | undefined = node; at && !ts.isSourceFile(at); at = at.parent) {
    lines.push(file.getLineAndCharacterOfPosition(at.getStart(file)).line);
    if (ts.isStatement(at) || ts.isClassElement(at)) break;
  }
  return lines;
}

function castsIn(fileName: string, text: string): Cast[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = text.split('\n');
  const found: Cast[] = [];
  const visit = (node: ts.Node): void => {
    if (isAssertion(node)) {
      const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      found.push({
        where: `${fileName}:${line + 1}`,
        text: node.getText(file).replace(/\s+/g, ' ').slice(0, 80),
        reasoned: anchorLines(node, file).some((anchor) => reasonAt(lines, anchor)),
        doubled:
          ts.isAsExpression(node) &&
          ts.isAsExpression(node.expression) &&
          node.expression.type.kind === ts.SyntaxKind.UnknownKeyword,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function sourceCasts(): Cast[] {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.startsWith('generated/'))
    .sort();
  return files.flatMap((f) => castsIn(`src/${f}`, readFileSync(new URL(f, SRC), 'utf8')));
}

describe('type assertions in src/', () => {
  const casts = sourceCasts();

  it('each carries a `cast:` reason', () => {
    const bare = casts.filter((c) => !c.reasoned).map((c) => `${c.where}: ${c.text}`);
    expect(bare, 'add a `// cast: why this holds` comment, or better, a type that needs no cast').toEqual([]);
  });

  it('none is `as unknown as`', () => {
    expect(casts.filter((c) => c.doubled).map((c) => `${c.where}: ${c.text}`)).toEqual([]);
  });

  it('the scan finds a bare cast, a doubled one and a bare `!`, and accepts reasons above or beside', () => {
    const sample = [
      'const a = x as string;',
      'const b = y as unknown as number;',
      'const c = z!;',
      '// cast: the caller checked it',
      'const d = w as string;',
      '// cast: one reason for the statement',
      'const e = f(',
      '  w as string,',
      '  v as number,',
      ');',
      'const g = 1 as const;',
      'const h = w as string; // cast: beside it',
    ].join('\n');
    const found = castsIn('sample.ts', sample);
    expect(found.filter((c) => !c.reasoned).map((c) => c.where)).toEqual([
      'sample.ts:1',
      'sample.ts:2',
      'sample.ts:2',
      'sample.ts:3',
    ]);
    expect(found.filter((c) => c.doubled).map((c) => c.where)).toEqual(['sample.ts:2']);
    expect(found).toHaveLength(8);
  });
});
