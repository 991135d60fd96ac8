/**
 * The organization tree: hierarchy, visibility, the write rules and search. No HTTP here; refusals
 * are ApiErrors that the HTTP layer renders.
 *
 * Built for large trees: every organization keeps its level and its path from the root (so visibility
 * is one lookup), its children and its descendant count; every sort order of the search is an index
 * maintained on each write, so a search walks an existing order instead of sorting on the request path.
 */
import { type components, type operations, SORT_FIELDS } from '../generated/openapi.ts';
import { at } from './checked.ts';
import { invalidInput, messages, notFound } from './errors.ts';
import type { Address, OrgRecord } from './organization.ts';
import { type KeyCompare, SortedIndex } from './sorted-index.ts';

export const MAX_INT32 = 2_147_483_647;

export interface TreeLimits {
  /** Levels allowed, counting the root as level 1 (the vendor's count): 4 allows 3 levels below the root. */
  maxDepth: number;
  /** Most organizations the tree may hold; creating more is refused with 400. */
  maxOrganizations: number;
}

/** A create body after schema validation: types and lengths already hold. */
type CreateBody = components['schemas']['OrganizationCreate'];
export type CreateInput = { [K in keyof CreateBody]: Exclude<CreateBody[K], null> };

export { SORT_FIELDS };
export type SortField = (typeof SORT_FIELDS)[number];

/** The search parameters of openapi.yaml, each present: the spec gives every optional one a default. */
export type SearchQuery = Required<operations['searchOrganizations']['parameters']['query']>;

export interface SearchPage {
  content: OrgRecord[];
  totalElements: number;
}

/**
 * What a request reads and writes: a full tree (OrgTree: the seeded base, or an imported one) or a
 * session's copy-on-write overlay over the shared base (OverlayTree). Both follow the rules below.
 */
export interface Tree {
  readonly limits: TreeLimits;
  readonly size: number;
  /** Writes since this tree was built; sessions estimate their memory from what they hold. */
  readonly writes: number;
  readonly nextOrganizationId: number;
  all(): OrgRecord[];
  get(id: number): OrgRecord | undefined;
  childCount(id: number): number;
  childIds(id: number): number[];
  descendantCount(id: number): number;
  levelOf(id: number): number;
  isWithin(id: number, ancestorId: number): boolean;
  visible(id: number, viewerOrgId: number): OrgRecord | undefined;
  getVisible(id: number, viewerOrgId: number): OrgRecord;
  create(viewerOrgId: number, input: CreateInput, now: number): OrgRecord;
  rename(viewerOrgId: number, id: number | undefined, name: string, now: number): OrgRecord;
  remove(viewerOrgId: number, id: number): void;
  search(viewerOrgId: number, q: SearchQuery): SearchPage;
}

/**
 * The refusals of a create, in the order the service answers them, and its parent. One place for both
 * kinds of tree. `parentPath` is the parent's path from the root (its length is the parent's level).
 */
export function checkCreate(
  tree: Tree,
  viewerOrgId: number,
  input: CreateInput,
  pathOf: (id: number) => readonly number[],
): { parent: OrgRecord; parentPath: readonly number[] } {
  const parent = tree.visible(input.parentId ?? viewerOrgId, viewerOrgId);
  if (!parent) throw notFound(messages.parentNotFound);
  const parentPath = pathOf(parent.id);
  // parentPath.length is the parent's level counting the root as 1; the child would be one deeper.
  if (parentPath.length >= tree.limits.maxDepth) throw invalidInput(messages.depthExceeded(tree.limits.maxDepth));
  if (tree.size >= tree.limits.maxOrganizations) {
    throw invalidInput(messages.organizationLimit(tree.limits.maxOrganizations));
  }
  if (tree.nextOrganizationId > MAX_INT32) throw invalidInput(messages.idsExhausted);
  return { parent, parentPath };
}

/** The record a create makes: the one place that decides which optional keys a created organization carries. */
export function createdRecord(id: number, input: CreateInput, parent: OrgRecord, now: number): OrgRecord {
  const org: OrgRecord = {
    id,
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
  return org;
}

/** A rename stores a new record (records never change in place); within the same millisecond it still moves lastModifiedTs forward. */
export function renamedRecord(org: OrgRecord, name: string, now: number): OrgRecord {
  return { ...org, name, lastModifiedTs: Math.max(now, org.lastModifiedTs + 1) };
}

/** The refusals of a delete, in the service's order; the organization to delete and its parent. */
export function checkRemove(tree: Tree, viewerOrgId: number, id: number): { org: OrgRecord; parentId: number } {
  const org = tree.visible(id, viewerOrgId);
  if (!org) throw notFound(messages.orgNotFoundForDelete(id));
  if (org.id === viewerOrgId) throw invalidInput(messages.deleteOwn);
  const parentId = org.parentOrganizationId;
  if (parentId === undefined) throw invalidInput(messages.deleteRoot);
  if (tree.childCount(org.id) > 0) throw invalidInput(messages.deleteHasChildren);
  if (org.deviceCount > 0) throw invalidInput(messages.deleteHasDevices);
  return { org, parentId };
}

/**
 * Per-organization data in dense arrays indexed by id: ids are small consecutive integers, and a scan
 * of 100,000 organizations must cost a few milliseconds, which Map lookups do not allow.
 */
interface Columns {
  records: (OrgRecord | undefined)[];
  lowerNames: string[];
  /** paths[id][l] is the ancestor at level l; paths[id][level] is the organization itself. Never changes. */
  paths: (readonly number[])[];
  children: (Set<number> | undefined)[];
  descendants: number[];
}

const ADDRESS_FIELDS = ['fullAddress', 'country', 'city', 'state', 'zip'] as const;

/** Below this share of the tree, a viewer's subtree is collected and sorted rather than filtered from an index. */
export const SMALL_SUBTREE_SHARE = 1 / 16;
/** Cached (viewer, query) match sets: a few bitmaps of one byte per id. */
const MATCH_CACHE_SIZE = 16;
/** Whether a numeric sort key can be packed with its id into one float64 (see SortedIndex). */
const fitsPacked = (key: number) => Number.isInteger(key) && key >= 0 && key < 2 ** 22;
/** Organizations placed between two pauses of an incremental build. */
const BUILD_STEP = 20_000;

export class OrgTree implements Tree {
  private c: Columns = { records: [], lowerNames: [], paths: [], children: [], descendants: [] };
  private count = 0;
  private rootId = 0;
  private nextId: number;
  private indexes: Record<SortField, SortedIndex>;
  /** Bumped by every write; cached search matches of an older version are stale. */
  private version = 0;
  private matchCache = new Map<string, { version: number; selected: Uint8Array | Set<number>; total: number }>();

  /**
   * Records are never changed in place (a rename stores a new record), so trees built from the same
   * seeded records share them, and a clone costs arrays, not records.
   */
  constructor(
    records: Iterable<OrgRecord>,
    readonly limits: TreeLimits,
    nextId = 1,
  ) {
    this.nextId = nextId;
    const steps = this.building(records, false);
    let step = steps.next();
    while (!step.done) step = steps.next();
    this.indexes = step.value;
  }

  /**
   * The same tree as the constructor's, built in steps with `pause()` between them, so that a server
   * building a large imported tree keeps answering other requests.
   */
  static async build(
    records: Iterable<OrgRecord>,
    limits: TreeLimits,
    nextId: number,
    pause: () => Promise<void>,
  ): Promise<OrgTree> {
    // An empty tree, filled in steps; building the empty one costs five empty indexes.
    const tree = new OrgTree([], limits, nextId);
    const steps = tree.building(records, true);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) {
        tree.indexes = step.value;
        return tree;
      }
      await pause();
    }
  }

  /**
   * Builds the columns and indexes; yields every few thousand organizations and after each index, and
   * when `stepped`, within the sorts too (a native sort in one go is faster, for a tree built at start).
   */
  private *building(records: Iterable<OrgRecord>, stepped: boolean): Generator<void, Record<SortField, SortedIndex>> {
    const raw = new Map<number, OrgRecord>();
    for (const record of records) {
      if (raw.has(record.id)) throw new Error(`Organization id ${record.id} appears twice.`);
      raw.set(record.id, record);
      if (record.id >= this.nextId) this.nextId = record.id + 1;
      if (raw.size % BUILD_STEP === 0) yield;
    }
    const placing = new Set<number>();
    const place = (record: OrgRecord): readonly number[] => {
      const known = this.c.paths[record.id];
      if (known) return known;
      if (placing.has(record.id)) throw new Error(`Organization ${record.id} is its own ancestor.`);
      placing.add(record.id);
      let path: number[] = [record.id];
      if (record.parentOrganizationId !== undefined) {
        const parentRecord = raw.get(record.parentOrganizationId);
        if (!parentRecord)
          throw new Error(
            `Organization ${record.id} names a parent ${record.parentOrganizationId} that does not exist.`,
          );
        const parentPath = place(parentRecord);
        path = [...parentPath, record.id];
        this.childrenOf(parentRecord.id).add(record.id);
        for (const ancestor of parentPath) this.c.descendants[ancestor] = (this.c.descendants[ancestor] ?? 0) + 1;
      } else {
        if (this.rootId !== 0) throw new Error(`Organizations ${this.rootId} and ${record.id} are both roots.`);
        this.rootId = record.id;
      }
      this.c.records[record.id] = record;
      this.c.lowerNames[record.id] = record.name.toLowerCase();
      this.c.paths[record.id] = path;
      this.c.descendants[record.id] ??= 0;
      this.count++;
      return path;
    };
    let placed = 0;
    for (const record of raw.values()) {
      place(record);
      if (++placed % BUILD_STEP === 0) yield;
    }
    const ids = [...raw.keys()];
    const numeric: Partial<Record<SortField, (id: number) => number>> = {
      'Organization Id': () => 0,
      'Device Count': (id) => this.record(id).deviceCount,
      'User Count': (id) => this.record(id).userCount,
      'Sub Organizations': (id) => this.c.children[id]?.size ?? 0,
    };
    // Packed keys where every key fits (buildInSteps checks); otherwise the comparator sorts.
    const compare = this.comparators();
    const indexOf = function* (field: SortField): Generator<void, SortedIndex> {
      const key = numeric[field];
      const index = stepped
        ? yield* SortedIndex.buildInSteps(ids, compare[field], key)
        : SortedIndex.build(ids, compare[field], key && ids.every((id) => fitsPacked(key(id))) ? key : undefined);
      yield;
      return index;
    };
    return {
      'Organization Id': yield* indexOf('Organization Id'),
      Name: yield* indexOf('Name'),
      'Device Count': yield* indexOf('Device Count'),
      'User Count': yield* indexOf('User Count'),
      'Sub Organizations': yield* indexOf('Sub Organizations'),
    };
  }

  /** An independent copy: writes to one never show in the other. */
  clone(): OrgTree {
    // An empty tree (five empty indexes), given this tree's columns and indexes below.
    const copy = new OrgTree([], this.limits, this.nextId);
    copy.rootId = this.rootId;
    copy.count = this.count;
    if (this.sparse) {
      // slice() and map() walk every index up to the largest id: seconds to minutes near 2^31.
      copy.c = { records: [], lowerNames: [], paths: [], children: [], descendants: [] };
      for (const id of this.indexes['Organization Id'].order(false)) {
        copy.c.records[id] = this.c.records[id];
        copy.c.lowerNames[id] = at(this.c.lowerNames, id);
        copy.c.paths[id] = at(this.c.paths, id);
        const children = this.c.children[id];
        if (children) copy.c.children[id] = new Set(children);
        copy.c.descendants[id] = at(this.c.descendants, id);
      }
    } else {
      copy.c = {
        records: this.c.records.slice(),
        lowerNames: this.c.lowerNames.slice(),
        paths: this.c.paths.slice(),
        children: this.c.children.map((set) => set && new Set(set)),
        descendants: this.c.descendants.slice(),
      };
    }
    copy.indexes = copy.buildIndexes((field, compare) => this.indexes[field].clone(compare));
    return copy;
  }

  get size(): number {
    return this.count;
  }

  // Read-only views for an OverlayTree over this tree (src/domain/overlay-tree.ts); it never writes here.

  /** The path from the root of an organization of this tree; undefined when it has none. */
  pathOf(id: number): readonly number[] | undefined {
    return this.get(id) ? this.c.paths[id] : undefined;
  }

  lowerNameOf(id: number): string {
    return at(this.c.lowerNames, id);
  }

  /** The kept order of a sort field. */
  orderOf(field: SortField): SortedIndex {
    return this.indexes[field];
  }

  get rootOrganizationId(): number {
    return this.rootId;
  }

  /** See matchesFor; `selectedHas` reads either kind of match set. */
  matchesOf(viewerOrgId: number, needle: string): { selected: Uint8Array | Set<number>; total: number } {
    return this.matchesFor(viewerOrgId, needle);
  }

  /** Writes since this tree was built or cloned; sessions estimate their memory from it. */
  get writes(): number {
    return this.version;
  }

  /**
   * Ids far apart (an imported id near 2^31): the per-id columns are then sparse, and nothing may walk
   * or allocate them up to the largest id; work follows the number of organizations instead.
   */
  private get sparse(): boolean {
    return this.nextId > 2 * this.count + 1024;
  }

  /** The id the next organization will get; ids of deleted organizations are never given again. */
  get nextOrganizationId(): number {
    return this.nextId;
  }

  /** Every record, in id order; for export and invariant checks. */
  all(): OrgRecord[] {
    return this.indexes['Organization Id'].slice(false, 0, this.count).map((id) => this.record(id));
  }

  get(id: number): OrgRecord | undefined {
    return Number.isInteger(id) && id > 0 ? this.c.records[id] : undefined;
  }

  childCount(id: number): number {
    return this.c.children[id]?.size ?? 0;
  }

  childIds(id: number): number[] {
    return [...(this.c.children[id] ?? [])];
  }

  descendantCount(id: number): number {
    return this.get(id) ? at(this.c.descendants, id) : 0;
  }

  /** The level of an organization, counting the root as 1 (the vendor's count); 0 when it does not exist. */
  levelOf(id: number): number {
    return this.get(id) ? at(this.c.paths, id).length : 0;
  }

  /** True when `id` is `ancestorId` or one of its descendants. */
  isWithin(id: number, ancestorId: number): boolean {
    if (!this.get(id) || !this.get(ancestorId)) return false;
    const ancestorLevel = at(this.c.paths, ancestorId).length - 1;
    return at(this.c.paths, id)[ancestorLevel] === ancestorId;
  }

  /** The organization if the viewer may see it; what the viewer may not see does not exist. */
  visible(id: number, viewerOrgId: number): OrgRecord | undefined {
    return this.isWithin(id, viewerOrgId) ? this.record(id) : undefined;
  }

  getVisible(id: number, viewerOrgId: number): OrgRecord {
    const org = this.visible(id, viewerOrgId);
    if (!org) throw notFound(messages.orgNotFound);
    return org;
  }

  /** `input` has passed the spec's rules (alphabet, time zone, lengths); the tree checks the hierarchy. */
  create(viewerOrgId: number, input: CreateInput, now: number): OrgRecord {
    const { parent, parentPath } = checkCreate(this, viewerOrgId, input, (id) => at(this.c.paths, id));
    const org = createdRecord(this.nextId++, input, parent, now);

    const subOrgs = this.indexes['Sub Organizations'];
    subOrgs.remove(parent.id); // its key is about to change
    this.childrenOf(parent.id).add(org.id);
    subOrgs.insert(parent.id);
    for (const ancestor of parentPath) this.c.descendants[ancestor] = at(this.c.descendants, ancestor) + 1;
    this.c.records[org.id] = org;
    this.c.lowerNames[org.id] = org.name.toLowerCase();
    this.c.paths[org.id] = [...parentPath, org.id];
    this.c.descendants[org.id] = 0;
    this.count++;
    for (const index of Object.values(this.indexes)) index.insert(org.id);
    this.version++;
    return org;
  }

  /** Renames `id`, or the viewer's own organization when `id` is absent. */
  rename(viewerOrgId: number, id: number | undefined, name: string, now: number): OrgRecord {
    const org = this.getVisible(id ?? viewerOrgId, viewerOrgId);
    const renamed = renamedRecord(org, name, now);
    const byName = this.indexes.Name;
    byName.remove(org.id); // while its old name still orders it
    this.c.records[org.id] = renamed;
    this.c.lowerNames[org.id] = name.toLowerCase();
    byName.insert(org.id);
    this.version++;
    return renamed;
  }

  remove(viewerOrgId: number, id: number): void {
    const { org, parentId } = checkRemove(this, viewerOrgId, id);
    for (const index of Object.values(this.indexes)) index.remove(org.id);
    const subOrgs = this.indexes['Sub Organizations'];
    subOrgs.remove(parentId);
    this.c.children[parentId]?.delete(org.id);
    subOrgs.insert(parentId);
    for (const ancestor of at(this.c.paths, org.id))
      if (ancestor !== org.id) this.c.descendants[ancestor] = at(this.c.descendants, ancestor) - 1;
    this.c.records[org.id] = undefined;
    this.c.children[org.id] = undefined;
    this.count--;
    this.version++;
  }

  search(viewerOrgId: number, q: SearchQuery): SearchPage {
    if (!this.get(viewerOrgId)) return { content: [], totalElements: 0 };
    const needle = q.query.toLowerCase();
    const descending = q.sortOrder === 'DESC';
    const index = this.indexes[q.sortBy];
    const from = q.page * q.size;
    const to = from + q.size;

    // The whole tree with no filter: the page is a slice of the index.
    if (needle === '' && viewerOrgId === this.rootId) {
      return { content: index.slice(descending, from, to).map((id) => this.record(id)), totalElements: this.count };
    }

    const { lowerNames } = this.c;
    // A small subtree: collect it and sort it.
    if (at(this.c.descendants, viewerOrgId) + 1 < this.count * SMALL_SUBTREE_SHARE) {
      const found: number[] = [];
      for (const id of this.subtreeIds(viewerOrgId))
        if (needle === '' || at(lowerNames, id).includes(needle)) found.push(id);
      found.sort(descending ? index.compareDescending : index.compare);
      return { content: found.slice(from, to).map((id) => this.record(id)), totalElements: found.length };
    }

    // A large subtree. First pass in id order (memory order, so cheap), or its cached result: what matches
    // and is visible, and how many. Second pass along the kept sort order, only as far as the page reaches.
    const { selected, total } = this.matchesFor(viewerOrgId, needle);
    const content: OrgRecord[] = [];
    if (from < total) {
      let position = 0;
      if (selected instanceof Set) {
        index.forEach(descending, (id) => {
          if (!selected.has(id)) return;
          if (position >= from) content.push(this.record(id));
          return ++position < to;
        });
      } else {
        index.forEach(descending, (id) => {
          if (selected[id] !== 1) return;
          if (position >= from) content.push(this.record(id));
          return ++position < to;
        });
      }
    }
    return { content, totalElements: total };
  }

  /**
   * Which organizations a viewer sees that match a query, as a bitmap by id, and how many. Kept for the
   * last few (viewer, query) pairs until the next write: paging and re-sorting the same query reuse it.
   */
  private matchesFor(viewerOrgId: number, needle: string): { selected: Uint8Array | Set<number>; total: number } {
    const key = `${viewerOrgId}\u0000${needle}`;
    const cached = this.matchCache.get(key);
    if (cached && cached.version === this.version) return cached;
    const { lowerNames, paths, records } = this.c;
    const level = at(paths, viewerOrgId).length - 1;
    const everyone = viewerOrgId === this.rootId;
    if (this.sparse) return this.cacheMatches(key, this.sparseMatches(viewerOrgId, needle, level, everyone));
    const selected = new Uint8Array(this.nextId);
    let total = 0;
    // A plain loop over ids: the hottest loop of a search, so no callbacks and no iterator.
    for (let id = 1; id < this.nextId; id++) {
      if (records[id] === undefined) continue;
      if (needle !== '' && !at(lowerNames, id).includes(needle)) continue;
      if (!everyone && at(paths, id)[level] !== viewerOrgId) continue;
      selected[id] = 1;
      total++;
    }
    return this.cacheMatches(key, { selected, total });
  }

  /** The matches of a sparse tree, found along the id order: a bitmap by position in that order. */
  private sparseMatches(
    viewerOrgId: number,
    needle: string,
    level: number,
    everyone: boolean,
  ): { selected: Set<number>; total: number } {
    const { lowerNames, paths } = this.c;
    const selected = new Set<number>();
    this.indexes['Organization Id'].forEach(false, (id) => {
      if (needle !== '' && !at(lowerNames, id).includes(needle)) return undefined;
      if (!everyone && at(paths, id)[level] !== viewerOrgId) return undefined;
      selected.add(id);
      return undefined;
    });
    return { selected, total: selected.size };
  }

  private cacheMatches(
    key: string,
    found: { selected: Uint8Array | Set<number>; total: number },
  ): { selected: Uint8Array | Set<number>; total: number } {
    const entry = { version: this.version, ...found };
    this.matchCache.delete(key);
    this.matchCache.set(key, entry);
    // Maps iterate in insertion order: the first keys are the least recently used.
    for (const oldest of this.matchCache.keys()) {
      if (this.matchCache.size <= MATCH_CACHE_SIZE) break;
      this.matchCache.delete(oldest);
    }
    return entry;
  }

  private *subtreeIds(rootId: number): Generator<number> {
    if (!this.get(rootId)) return;
    const stack = [rootId];
    for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
      yield id;
      const children = this.c.children[id];
      if (children) for (const child of children) stack.push(child);
    }
  }

  /** The set of children of `id`, made on first use. */
  private childrenOf(id: number): Set<number> {
    let children = this.c.children[id];
    if (!children) {
      children = new Set();
      this.c.children[id] = children;
    }
    return children;
  }

  /** The record of an organization known to exist (an id from an index or a path). */
  private record(id: number): OrgRecord {
    return at(this.c.records, id);
  }

  private buildIndexes(make: (field: SortField, compare: KeyCompare) => SortedIndex): Record<SortField, SortedIndex> {
    const compare = this.comparators();
    const indexOf = (field: SortField) => make(field, compare[field]);
    return {
      'Organization Id': indexOf('Organization Id'),
      Name: indexOf('Name'),
      'Device Count': indexOf('Device Count'),
      'User Count': indexOf('User Count'),
      'Sub Organizations': indexOf('Sub Organizations'),
    };
  }

  /** The key order of each sort field, reading this tree's own columns. */
  private comparators(): Record<SortField, KeyCompare> {
    const { records, lowerNames, children } = this.c;
    const byName: KeyCompare = (a, b) => {
      const x = at(lowerNames, a);
      const y = at(lowerNames, b);
      return x < y ? -1 : x > y ? 1 : 0;
    };
    return {
      'Organization Id': (a, b) => a - b,
      Name: byName,
      'Device Count': (a, b) => at(records, a).deviceCount - at(records, b).deviceCount,
      'User Count': (a, b) => at(records, a).userCount - at(records, b).userCount,
      'Sub Organizations': (a, b) => (children[a]?.size ?? 0) - (children[b]?.size ?? 0),
    };
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
