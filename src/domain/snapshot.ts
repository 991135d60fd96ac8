/**
 * Export and import of the whole organization tree, so that a test can start from a saved scenario.
 * The JSON shape is checked against openapi.yaml's MockSnapshot; the tree rules are checked here.
 */
import { badRequest, messages } from './errors.ts';
import type { Address, OrgRecord, UnitSystem } from './organization.ts';
import { OrgTree, type TreeLimits } from './tree.ts';

export const SNAPSHOT_FORMAT = 'orgs-mock/state@1';

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  nextOrganizationId: number;
  organizations: OrgRecord[];
}

export function exportTree(tree: OrgTree): Snapshot {
  return { format: SNAPSHOT_FORMAT, nextOrganizationId: tree.nextOrganizationId, organizations: tree.all() };
}

const invalid = (why: string) => badRequest(messages.importInvalid(why));

/** Only the known fields, so nothing else from the file ends up in responses. */
function pick(raw: OrgRecord): OrgRecord {
  const org: OrgRecord = {
    id: raw.id,
    name: raw.name,
    tz: raw.tz,
    lastModifiedTs: raw.lastModifiedTs,
    deviceCount: raw.deviceCount ?? 0,
    userCount: raw.userCount ?? 0,
  };
  if (raw.description !== undefined) org.description = raw.description;
  if (raw.parentOrganizationId !== undefined) org.parentOrganizationId = raw.parentOrganizationId;
  if (raw.unitSystem !== undefined) org.unitSystem = raw.unitSystem as UnitSystem;
  if (raw.phoneNumber !== undefined) org.phoneNumber = raw.phoneNumber;
  if (raw.address !== undefined) org.address = raw.address === null ? null : ({ ...raw.address } as Address);
  return org;
}

/** A tree from a snapshot whose JSON shape is already valid: one root, known parents, no cycles, depth within limits. */
export function importTree(snapshot: Snapshot, limits: TreeLimits): OrgTree {
  const records = snapshot.organizations.map(pick);
  if (records.length > limits.maxOrganizations) throw invalid(`more than ${limits.maxOrganizations} organizations`);
  const byId = new Map<number, OrgRecord>();
  for (const org of records) {
    if (byId.has(org.id)) throw invalid(`id ${org.id} appears twice`);
    byId.set(org.id, org);
  }
  const roots = records.filter((org) => org.parentOrganizationId === undefined);
  if (roots.length !== 1) throw invalid(`there should be exactly one root organization, not ${roots.length}`);
  // Parents first, so the tree can be built in one pass; a cycle never reaches the root.
  const depth = new Map<number, number>([[roots[0]!.id, 0]]);
  const ordered: OrgRecord[] = [roots[0]!];
  const children = new Map<number, OrgRecord[]>();
  for (const org of records) {
    if (org.parentOrganizationId === undefined) continue;
    if (!byId.has(org.parentOrganizationId)) throw invalid(`organization ${org.id} names a parent ${org.parentOrganizationId} that is not in the file`);
    const siblings = children.get(org.parentOrganizationId) ?? [];
    siblings.push(org);
    children.set(org.parentOrganizationId, siblings);
  }
  for (let i = 0; i < ordered.length; i++) {
    const parent = ordered[i]!;
    for (const child of children.get(parent.id) ?? []) {
      // Levels count the root as 1, as the vendor does.
      const level = (depth.get(parent.id) ?? 1) + 1;
      if (level > limits.maxDepth) throw invalid(`organization ${child.id} is deeper than ${limits.maxDepth} levels, counting the root`);
      depth.set(child.id, level);
      ordered.push(child);
    }
  }
  if (ordered.length !== records.length) throw invalid('some organizations form a cycle and never reach the root');
  const highest = Math.max(...records.map((org) => org.id));
  return new OrgTree(ordered, limits, Math.max(snapshot.nextOrganizationId ?? 1, highest + 1));
}
