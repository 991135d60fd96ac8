/** Invariants of the organization tree, read independently of the tree's own indexes. */
import { expect } from 'vitest';
import type { OrgRecord } from '../src/domain/organization.ts';
import type { MockApp } from '../src/http/app.ts';

/** Checks the tree against an independent reading of its records: parents, depth, counts, reachability. */
export function checkInvariants(app: MockApp, maxDepth: number): void {
  const tree = app.mock.state.tree;
  const records = tree.all();
  const byId = new Map(records.map((o) => [o.id, o]));
  expect(byId.size).toBe(tree.size);
  const roots = records.filter((o) => o.parentOrganizationId === undefined);
  expect(roots.map((o) => o.id)).toEqual([1]);
  const children = new Map<number, number[]>();
  for (const org of records) {
    // Reachable from the root, without a cycle, within the depth limit.
    let steps = 0;
    for (let at: OrgRecord | undefined = org; at?.parentOrganizationId !== undefined; steps++) {
      at = byId.get(at.parentOrganizationId);
      expect(at, `parent of ${org.id}`).toBeDefined();
      // maxDepth counts the root as level 1, so at most maxDepth - 1 steps lead up to it.
      expect(steps).toBeLessThan(maxDepth);
    }
    expect(tree.levelOf(org.id)).toBe(steps + 1);
    if (org.parentOrganizationId !== undefined)
      children.set(org.parentOrganizationId, [...(children.get(org.parentOrganizationId) ?? []), org.id]);
  }
  const subtreeSize = (id: number): number => 1 + (children.get(id) ?? []).reduce((n, c) => n + subtreeSize(c), 0);
  for (const org of records) {
    expect(tree.childCount(org.id)).toBe(children.get(org.id)?.length ?? 0);
    expect(tree.descendantCount(org.id)).toBe(subtreeSize(org.id) - 1);
  }
}

/** What a token of `orgId` must see: exactly its subtree, computed from parent links. */
export function subtreeOf(records: OrgRecord[], orgId: number): number[] {
  const inside = new Set([orgId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const o of records)
      if (o.parentOrganizationId !== undefined && inside.has(o.parentOrganizationId) && !inside.has(o.id)) {
        inside.add(o.id);
        grew = true;
      }
  }
  return [...inside].sort((a, b) => a - b);
}
