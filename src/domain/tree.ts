/**
 * The organization tree: hierarchy, visibility, the write rules and search. No HTTP here; refusals
 * are ApiErrors that the HTTP layer renders.
 */
import { badRequest, messages, notFound } from './errors.ts';
import type { Address, OrgRecord, UnitSystem } from './organization.ts';
import { checkNameAlphabet, checkTimeZone } from './rules.ts';

export const MAX_INT32 = 2_147_483_647;

export interface TreeLimits {
  /** Levels allowed below the root (root = level 0). */
  maxDepth: number;
  /** Most organizations the tree may hold; creating more is refused with 400. */
  maxOrganizations: number;
}

/** A create body after schema validation: types and lengths already hold. */
export interface CreateInput {
  name: string;
  description?: string;
  tz?: string;
  parentId?: number;
  phoneNumber?: string;
  unitSystem?: UnitSystem;
  address?: Address | null;
}

export const SORT_FIELDS = ['Organization Id', 'Name', 'Device Count', 'User Count', 'Sub Organizations'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export interface SearchQuery {
  query: string;
  sortBy: SortField;
  sortOrder: 'ASC' | 'DESC';
  page: number;
  size: number;
}

export interface SearchPage {
  content: OrgRecord[];
  totalElements: number;
}

const ADDRESS_FIELDS = ['fullAddress', 'country', 'city', 'state', 'zip'] as const;

export class OrgTree {
  private readonly orgs = new Map<number, OrgRecord>();
  private readonly children = new Map<number, Set<number>>();
  private nextId = 1;

  /**
   * Records are never changed in place (a rename stores a new record), so trees built from the same
   * seeded records share them: a reset or a new session costs maps, not copies.
   */
  constructor(
    records: Iterable<OrgRecord>,
    readonly limits: TreeLimits,
    nextId = 1,
  ) {
    this.nextId = nextId;
    for (const record of records) this.insert(record);
    for (const org of this.orgs.values()) {
      if (org.parentOrganizationId !== undefined && !this.orgs.has(org.parentOrganizationId)) {
        throw new Error(`Organization ${org.id} names a parent ${org.parentOrganizationId} that does not exist.`);
      }
    }
  }

  get size(): number {
    return this.orgs.size;
  }

  /** The id the next organization will get; ids of deleted organizations are never given again. */
  get nextOrganizationId(): number {
    return this.nextId;
  }

  /** Every record, in id order; for export and invariant checks. */
  all(): OrgRecord[] {
    return [...this.orgs.values()].sort((a, b) => a.id - b.id);
  }

  get(id: number): OrgRecord | undefined {
    return this.orgs.get(id);
  }

  childCount(id: number): number {
    return this.children.get(id)?.size ?? 0;
  }

  childIds(id: number): number[] {
    return [...(this.children.get(id) ?? [])];
  }

  /** Levels below the root: the root is 0. */
  depthOf(id: number): number {
    let depth = 0;
    for (let org = this.orgs.get(id); org?.parentOrganizationId !== undefined; depth++) {
      org = this.orgs.get(org.parentOrganizationId);
    }
    return depth;
  }

  /** True when `id` is `ancestorId` or one of its descendants. */
  isWithin(id: number, ancestorId: number): boolean {
    for (let org = this.orgs.get(id); org; ) {
      if (org.id === ancestorId) return true;
      if (org.parentOrganizationId === undefined) return false;
      org = this.orgs.get(org.parentOrganizationId);
    }
    return false;
  }

  /** The organization if the viewer may see it; what the viewer may not see does not exist. */
  visible(id: number, viewerOrgId: number): OrgRecord | undefined {
    return this.isWithin(id, viewerOrgId) ? this.orgs.get(id) : undefined;
  }

  getVisible(id: number, viewerOrgId: number): OrgRecord {
    const org = this.visible(id, viewerOrgId);
    if (!org) throw notFound(messages.orgNotFound);
    return org;
  }

  create(viewerOrgId: number, input: CreateInput, now: number): OrgRecord {
    checkNameAlphabet(input.name);
    if (input.tz !== undefined) checkTimeZone(input.tz);
    const parentId = input.parentId ?? viewerOrgId;
    const parent = this.visible(parentId, viewerOrgId);
    if (!parent) throw notFound(messages.parentNotFound);
    if (this.depthOf(parent.id) + 1 > this.limits.maxDepth) throw badRequest(messages.depthExceeded(this.limits.maxDepth));
    if (this.orgs.size >= this.limits.maxOrganizations) {
      throw badRequest(messages.organizationLimit(this.limits.maxOrganizations));
    }
    if (this.nextId > MAX_INT32) throw badRequest(messages.idsExhausted);

    const org: OrgRecord = {
      id: this.nextId,
      name: input.name,
      parentOrganizationId: parent.id,
      tz: input.tz ?? parent.tz,
      lastModifiedTs: now,
      deviceCount: 0,
      userCount: 0,
    };
    if (input.description !== undefined) org.description = input.description;
    const unitSystem = input.unitSystem ?? parent.unitSystem;
    if (unitSystem !== undefined) org.unitSystem = unitSystem;
    if (input.phoneNumber !== undefined) org.phoneNumber = input.phoneNumber;
    if (input.address) org.address = pickAddress(input.address);
    this.insert(org);
    return org;
  }

  /** Renames `id`, or the viewer's own organization when `id` is absent. */
  rename(viewerOrgId: number, id: number | undefined, name: string, now: number): OrgRecord {
    const org = this.getVisible(id ?? viewerOrgId, viewerOrgId);
    checkNameAlphabet(name);
    // A rename within the same millisecond still moves lastModifiedTs forward.
    const lastModifiedTs = Math.max(now, org.lastModifiedTs + 1);
    const renamed: OrgRecord = { ...org, name, lastModifiedTs };
    this.orgs.set(org.id, renamed);
    return renamed;
  }

  remove(viewerOrgId: number, id: number): void {
    const org = this.visible(id, viewerOrgId);
    if (!org) throw notFound(messages.orgNotFoundForDelete(id));
    if (org.id === viewerOrgId) throw badRequest(messages.deleteOwn);
    if (org.parentOrganizationId === undefined) throw badRequest(messages.deleteRoot);
    if (this.childCount(org.id) > 0) throw badRequest(messages.deleteHasChildren);
    if (org.deviceCount > 0) throw badRequest(messages.deleteHasDevices);
    this.orgs.delete(org.id);
    this.children.delete(org.id);
    this.children.get(org.parentOrganizationId)?.delete(org.id);
  }

  search(viewerOrgId: number, q: SearchQuery): SearchPage {
    const needle = q.query.toLowerCase();
    const matches: OrgRecord[] = [];
    for (const org of this.subtree(viewerOrgId)) {
      if (needle === '' || org.name.toLowerCase().includes(needle)) matches.push(org);
    }
    const key = this.sortKey(q.sortBy);
    const direction = q.sortOrder === 'DESC' ? -1 : 1;
    matches.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const byKey = ka < kb ? -1 : ka > kb ? 1 : 0;
      return byKey !== 0 ? byKey * direction : a.id - b.id;
    });
    const start = q.page * q.size;
    return { content: matches.slice(start, start + q.size), totalElements: matches.length };
  }

  /** The viewer's organization and every descendant. */
  *subtree(rootId: number): Generator<OrgRecord> {
    const stack = [rootId];
    while (stack.length > 0) {
      const id = stack.pop() as number;
      const org = this.orgs.get(id);
      if (!org) continue;
      yield org;
      const kids = this.children.get(id);
      if (kids) for (const child of kids) stack.push(child);
    }
  }

  private sortKey(field: SortField): (org: OrgRecord) => number | string {
    switch (field) {
      case 'Organization Id':
        return (org) => org.id;
      case 'Name':
        return (org) => org.name.toLowerCase();
      case 'Device Count':
        return (org) => org.deviceCount;
      case 'User Count':
        return (org) => org.userCount;
      case 'Sub Organizations':
        return (org) => this.childCount(org.id);
    }
  }

  private insert(org: OrgRecord): void {
    if (this.orgs.has(org.id)) throw new Error(`Organization id ${org.id} appears twice.`);
    this.orgs.set(org.id, org);
    if (org.parentOrganizationId !== undefined) {
      let siblings = this.children.get(org.parentOrganizationId);
      if (!siblings) this.children.set(org.parentOrganizationId, (siblings = new Set()));
      siblings.add(org.id);
    }
    this.nextId = Math.max(this.nextId, org.id + 1);
  }
}

function pickAddress(address: Address): Address {
  const out: Address = {};
  for (const field of ADDRESS_FIELDS) {
    const value = address[field];
    if (typeof value === 'string') out[field] = value;
  }
  return out;
}
