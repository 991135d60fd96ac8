/**
 * A session's tree as a copy-on-write overlay over a shared base tree (the seeded one), which it never
 * writes: the overlay holds only what the session changed (records created, renamed or deleted, child
 * deltas, descendant-count deltas, its next id) and reads merge the two. So a session's first write costs
 * what any write costs, a refused request copies nothing, and a session's memory is its changes.
 *
 * Search: the base's kept orders are walked skipping the ids the overlay touched (holes), merged with
 * the overlay's own small orders of those ids (their keys as the session sees them), each placed in the
 * base order by binary search; a match set of the base (cached there, shared by every session) is
 * corrected for the touched ids.
 */
import { at } from './checked.ts';
import { messages, notFound } from './errors.ts';
import type { OrgRecord } from './organization.ts';
import { type KeyCompare, KeyedOrder } from './sorted-index.ts';
import {
  type CreateInput,
  checkCreate,
  checkRemove,
  createdRecord,
  type OrgTree,
  renamedRecord,
  type SearchPage,
  type SearchQuery,
  SMALL_SUBTREE_SHARE,
  SORT_FIELDS,
  type SortField,
  type Tree,
  type TreeLimits,
} from './tree.ts';

/** What a change of children or a rename moves: the one sort key it changes. */
const CHILDREN_KEY: readonly SortField[] = ['Sub Organizations'];
const NAME_KEY: readonly SortField[] = ['Name'];

const has = (selected: Uint8Array | Set<number>, id: number) =>
  selected instanceof Set ? selected.has(id) : selected[id] === 1;

export class OverlayTree implements Tree {
  readonly limits: TreeLimits;
  /** Created, renamed or deleted (null) records; any other id reads the base. */
  private readonly records = new Map<number, OrgRecord | null>();
  private readonly lowerNames = new Map<number, string>();
  /** Paths of the organizations created here; a base organization's path never changes. */
  private readonly paths = new Map<number, readonly number[]>();
  private readonly addedChildren = new Map<number, Set<number>>();
  /** Children of the base that were deleted here. */
  private readonly removedChildren = new Map<number, Set<number>>();
  private readonly descendantDelta = new Map<number, number>();
  /** Ids whose record or child count differs from the base's: the base's orders skip them. */
  private readonly touched = new Set<number>();
  /** The touched ids that exist, in each sort order, with the keys this overlay sees stored beside them. */
  private readonly orders: Record<SortField, KeyedOrder<number | string>>;
  /** The key order of each sort field as this overlay sees the keys (without the tie by id). */
  private readonly compareKeys: Record<SortField, KeyCompare>;
  private count: number;
  private nextId: number;
  private version = 0;
  /** See layoutOf: at most one per sort field and direction. */
  private readonly layouts = new Map<string, { version: number; own: number[]; places: number[]; holes: number[] }>();

  constructor(readonly base: OrgTree) {
    this.limits = base.limits;
    this.count = base.size;
    this.nextId = base.nextOrganizationId;
    this.compareKeys = this.comparators();
    this.orders = {
      'Organization Id': new KeyedOrder(),
      Name: new KeyedOrder(),
      'Device Count': new KeyedOrder(),
      'User Count': new KeyedOrder(),
      'Sub Organizations': new KeyedOrder(),
    };
  }

  get size(): number {
    return this.count;
  }

  get writes(): number {
    return this.version;
  }

  get nextOrganizationId(): number {
    return this.nextId;
  }

  /** How many ids the overlay holds something for: what its memory follows. */
  get changedIds(): number {
    return this.touched.size + this.descendantDelta.size;
  }

  get(id: number): OrgRecord | undefined {
    const own = this.records.get(id);
    if (own !== undefined) return own ?? undefined;
    return this.base.get(id);
  }

  childCount(id: number): number {
    return (
      this.base.childCount(id) + (this.addedChildren.get(id)?.size ?? 0) - (this.removedChildren.get(id)?.size ?? 0)
    );
  }

  childIds(id: number): number[] {
    const removed = this.removedChildren.get(id);
    const ids = this.base.childIds(id);
    const kept = removed ? ids.filter((child) => !removed.has(child)) : ids;
    const added = this.addedChildren.get(id);
    return added ? [...kept, ...added] : kept;
  }

  descendantCount(id: number): number {
    return this.get(id) ? this.base.descendantCount(id) + (this.descendantDelta.get(id) ?? 0) : 0;
  }

  levelOf(id: number): number {
    return this.get(id) ? this.pathOf(id).length : 0;
  }

  isWithin(id: number, ancestorId: number): boolean {
    if (!this.get(id) || !this.get(ancestorId)) return false;
    return this.pathOf(id)[this.pathOf(ancestorId).length - 1] === ancestorId;
  }

  visible(id: number, viewerOrgId: number): OrgRecord | undefined {
    return this.isWithin(id, viewerOrgId) ? this.get(id) : undefined;
  }

  getVisible(id: number, viewerOrgId: number): OrgRecord {
    const org = this.visible(id, viewerOrgId);
    if (!org) throw notFound(messages.orgNotFound);
    return org;
  }

  create(viewerOrgId: number, input: CreateInput, now: number): OrgRecord {
    const { parent, parentPath } = checkCreate(this, viewerOrgId, input, (id) => this.pathOf(id));
    const org = createdRecord(this.nextId++, input, parent, now);
    this.touch(parent.id, () => this.childSet(this.addedChildren, parent.id).add(org.id), CHILDREN_KEY);
    for (const ancestor of parentPath)
      this.descendantDelta.set(ancestor, (this.descendantDelta.get(ancestor) ?? 0) + 1);
    this.paths.set(org.id, [...parentPath, org.id]);
    this.touch(org.id, () => this.store(org));
    this.count++;
    this.version++;
    return org;
  }

  rename(viewerOrgId: number, id: number | undefined, name: string, now: number): OrgRecord {
    const org = this.getVisible(id ?? viewerOrgId, viewerOrgId);
    const renamed = renamedRecord(org, name, now);
    this.touch(org.id, () => this.store(renamed), NAME_KEY);
    this.version++;
    return renamed;
  }

  remove(viewerOrgId: number, id: number): void {
    const { org, parentId } = checkRemove(this, viewerOrgId, id);
    this.touch(
      parentId,
      () => {
        const added = this.addedChildren.get(parentId);
        if (added?.delete(org.id)) return;
        this.childSet(this.removedChildren, parentId).add(org.id);
      },
      CHILDREN_KEY,
    );
    for (const ancestor of this.pathOf(org.id))
      if (ancestor !== org.id) this.descendantDelta.set(ancestor, (this.descendantDelta.get(ancestor) ?? 0) - 1);
    this.touch(org.id, () => {
      this.records.set(org.id, null);
      this.lowerNames.delete(org.id);
    });
    this.count--;
    this.version++;
  }

  all(): OrgRecord[] {
    const out: OrgRecord[] = [];
    this.walk('Organization Id', false, (id) => {
      out.push(this.record(id));
      return undefined;
    });
    return out;
  }

  search(viewerOrgId: number, q: SearchQuery): SearchPage {
    // Nothing changed: the base answers, with its caches.
    if (this.touched.size === 0) return this.base.search(viewerOrgId, q);
    if (!this.get(viewerOrgId)) return { content: [], totalElements: 0 };
    const needle = q.query.toLowerCase();
    const descending = q.sortOrder === 'DESC';
    const from = q.page * q.size;
    const to = from + q.size;
    const page = (include: (id: number) => boolean, total: number): OrgRecord[] => {
      const content: OrgRecord[] = [];
      if (from >= total) return content;
      let position = 0;
      this.walk(q.sortBy, descending, (id) => {
        if (!include(id)) return undefined;
        if (position >= from) content.push(this.record(id));
        return ++position < to;
      });
      return content;
    };

    // The whole tree with no filter: the page starts `from` ids in, which the walk skips without visiting.
    if (needle === '' && viewerOrgId === this.base.rootOrganizationId) {
      const content: OrgRecord[] = [];
      if (from < this.count)
        this.walk(
          q.sortBy,
          descending,
          (id) => {
            content.push(this.record(id));
            return content.length < q.size;
          },
          from,
        );
      return { content, totalElements: this.count };
    }

    // A small subtree: collect it and sort it.
    if (this.descendantCount(viewerOrgId) + 1 < this.count * SMALL_SUBTREE_SHARE) {
      const found: number[] = [];
      const stack = [viewerOrgId];
      for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
        if (needle === '' || this.lowerName(id).includes(needle)) found.push(id);
        for (const child of this.childIds(id)) stack.push(child);
      }
      const keys = this.compareKeys[q.sortBy];
      found.sort(descending ? (a, b) => keys(b, a) || a - b : (a, b) => keys(a, b) || a - b);
      return { content: found.slice(from, to).map((id) => this.record(id)), totalElements: found.length };
    }

    // A large subtree: the base's match set (cached there, shared by every session), corrected for the
    // touched ids, then one walk along the merged order as far as the page reaches.
    const inBase = this.base.get(viewerOrgId) !== undefined;
    const base = inBase ? this.base.matchesOf(viewerOrgId, needle) : { selected: new Set<number>(), total: 0 };
    let total = base.total;
    const own = new Set<number>();
    for (const id of this.touched) {
      if (inBase && this.base.get(id) && has(base.selected, id)) total--;
      if (this.get(id) && (needle === '' || this.lowerName(id).includes(needle)) && this.isWithin(id, viewerOrgId)) {
        own.add(id);
        total++;
      }
    }
    const content = page((id) => own.has(id) || (!this.touched.has(id) && has(base.selected, id)), total);
    return { content, totalElements: total };
  }

  /**
   * Changes what `id` is (its record or its children) with `change`, which changes the keys of `fields`
   * only (all of them when it deletes). An id already in the overlay's orders leaves its place in those
   * while its old keys still place it, and takes its new place if it still exists; an id touched for the
   * first time goes into every order, as the base's orders skip it from now on.
   */
  private touch(id: number, change: () => void, fields: readonly SortField[] = SORT_FIELDS): void {
    const placed = this.touched.has(id) && this.get(id) !== undefined;
    if (placed) for (const field of fields) this.orders[field].remove(id, this.keyOf(field, id));
    this.touched.add(id);
    change();
    if (!this.get(id)) return;
    for (const field of placed ? fields : SORT_FIELDS) this.orders[field].insert(id, this.keyOf(field, id));
  }

  /** The key of an existing organization in a sort order, as this overlay sees it. */
  private keyOf(field: SortField, id: number): number | string {
    switch (field) {
      case 'Organization Id':
        return id; // the id is the key
      case 'Name':
        return this.lowerName(id);
      case 'Device Count':
        return this.record(id).deviceCount;
      case 'User Count':
        return this.record(id).userCount;
      case 'Sub Organizations':
        return this.childCount(id);
    }
  }

  private store(org: OrgRecord): void {
    this.records.set(org.id, org);
    this.lowerNames.set(org.id, org.name.toLowerCase());
  }

  private childSet(map: Map<number, Set<number>>, id: number): Set<number> {
    let set = map.get(id);
    if (!set) {
      set = new Set();
      map.set(id, set);
    }
    return set;
  }

  private pathOf(id: number): readonly number[] {
    const path = this.paths.get(id) ?? this.base.pathOf(id);
    if (!path) throw new RangeError(`Organization ${id} has no path.`);
    return path;
  }

  private lowerName(id: number): string {
    return this.lowerNames.get(id) ?? this.base.lowerNameOf(id);
  }

  /** The record of an organization known to exist (an id from an order or a path). */
  private record(id: number): OrgRecord {
    const org = this.get(id);
    if (!org) throw new RangeError(`Organization ${id} does not exist.`);
    return org;
  }

  /**
   * Visits the ids of the tree in a sort order, after the first `skip`, until `visit` returns false: the
   * base's order without the touched ids (holes), with the overlay's own ids placed where they belong.
   * Places are found by binary search, so the walk compares no keys, and the skip jumps over runs of
   * the base order without visiting them.
   */
  private walk(field: SortField, descending: boolean, visit: (id: number) => boolean | undefined, skip = 0): void {
    const baseOrder = this.base.orderOf(field);
    if (this.touched.size === 0) {
      baseOrder.forEachFrom(descending, skip, visit);
      return;
    }
    const { own, places, holes } = this.layoutOf(field, descending);

    const n = this.base.size;
    let position = 0; // in the base order
    let k = 0; // in own
    let h = 0; // in holes
    for (let skipped = 0; skipped < skip; ) {
      const nextOwn = k < own.length ? at(places, k) : Number.POSITIVE_INFINITY;
      const nextHole = h < holes.length ? at(holes, h) : Number.POSITIVE_INFINITY;
      const event = Math.min(nextOwn, nextHole, n);
      if (skipped + event - position >= skip) {
        position += skip - skipped;
        break;
      }
      skipped += event - position;
      position = event;
      if (nextOwn === event) {
        k++; // an own id, placed before the base id at `event`
        skipped++;
      } else if (nextHole === event) {
        h++;
        position++;
      } else break; // the base order and own ids are both done
    }
    let stopped = false;
    baseOrder.forEachFrom(descending, position, (id, place) => {
      while (k < own.length && (places[k] ?? 0) <= place) {
        if (visit(own[k++] ?? 0) === false) {
          stopped = true;
          return false;
        }
      }
      if (this.touched.has(id)) return undefined;
      if (visit(id) === false) {
        stopped = true;
        return false;
      }
      return undefined;
    });
    if (stopped) return;
    while (k < own.length) if (visit(at(own, k++)) === false) return;
  }

  /**
   * The overlay's ids in a sort order, the place of each in the base order (it goes before the base id
   * at that position), and the positions of the touched ids in the base order; kept until the next write.
   */
  private layoutOf(field: SortField, descending: boolean): { own: number[]; places: number[]; holes: number[] } {
    const key = `${field}\u0000${descending}`;
    const kept = this.layouts.get(key);
    if (kept && kept.version === this.version) return kept;
    const baseOrder = this.base.orderOf(field);
    const own = this.orders[field].ids(descending);
    const places = own.map((id) => baseOrder.countBefore(descending, this.baseBefore(field, descending, id)));
    const holes: number[] = [];
    for (const id of this.touched) if (this.base.get(id)) holes.push(baseOrder.positionOf(descending, id));
    holes.sort((a, b) => a - b);
    const layout = { version: this.version, own, places, holes };
    this.layouts.set(key, layout);
    return layout;
  }

  /**
   * Whether a base id (with the key the base gave it) comes before the overlay's id `x` (with the key this
   * overlay gives it) in the order: true for a prefix of the base order, as a binary search needs.
   */
  private baseBefore(field: SortField, descending: boolean, x: number): (a: number) => boolean {
    const base = this.base;
    let difference: (a: number) => number;
    switch (field) {
      case 'Organization Id':
        difference = (a) => a - x; // the id is the key
        break;
      case 'Name': {
        const name = this.lowerName(x);
        difference = (a) => {
          const other = base.lowerNameOf(a);
          return other < name ? -1 : other > name ? 1 : 0;
        };
        break;
      }
      case 'Device Count': {
        const count = this.record(x).deviceCount;
        difference = (a) => (base.get(a)?.deviceCount ?? 0) - count;
        break;
      }
      case 'User Count': {
        const count = this.record(x).userCount;
        difference = (a) => (base.get(a)?.userCount ?? 0) - count;
        break;
      }
      case 'Sub Organizations': {
        const count = this.childCount(x);
        difference = (a) => base.childCount(a) - count;
        break;
      }
    }
    return (a) => {
      const d = descending ? -difference(a) : difference(a);
      return d < 0 || (d === 0 && a < x);
    };
  }

  /** The key order of each sort field as this overlay sees the keys (ties by id are added where used). */
  private comparators(): Record<SortField, KeyCompare> {
    const byName: KeyCompare = (a, b) => {
      const x = this.lowerName(a);
      const y = this.lowerName(b);
      return x < y ? -1 : x > y ? 1 : 0;
    };
    return {
      'Organization Id': (a, b) => a - b,
      Name: byName,
      'Device Count': (a, b) => this.record(a).deviceCount - this.record(b).deviceCount,
      'User Count': (a, b) => this.record(a).userCount - this.record(b).userCount,
      'Sub Organizations': (a, b) => this.childCount(a) - this.childCount(b),
    };
  }
}
