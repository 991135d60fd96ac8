/**
 * Organization ids kept sorted by one key, in both directions, ties by id ascending in both (as the
 * API sorts), and maintained on every write: a search walks an order that already exists instead of
 * sorting the tree on the request path.
 *
 * Each order is a list of blocks of at most 2 × BLOCK ids, so an insert or a removal moves a few
 * hundred ids, not the whole tree, and a walk is still a plain loop over arrays.
 */
import { at } from './checked.ts';

export type KeyCompare = (a: number, b: number) => number;

const BLOCK = 512;

class BlockList {
  /** Where each block starts in the order; made when first needed, dropped by every change. */
  private starts: number[] | undefined;

  constructor(
    readonly compare: KeyCompare,
    private blocks: number[][],
  ) {}

  private startsOf(): number[] {
    if (!this.starts) {
      const starts: number[] = [];
      let position = 0;
      for (const block of this.blocks) {
        starts.push(position);
        position += block.length;
      }
      this.starts = starts;
    }
    return this.starts;
  }

  static from(sorted: number[], compare: KeyCompare): BlockList {
    const blocks: number[][] = [];
    for (let i = 0; i < sorted.length; i += BLOCK) blocks.push(sorted.slice(i, i + BLOCK));
    return new BlockList(compare, blocks);
  }

  clone(compare: KeyCompare): BlockList {
    return new BlockList(
      compare,
      this.blocks.map((block) => block.slice()),
    );
  }

  insert(id: number): void {
    this.starts = undefined;
    if (this.blocks.length === 0) {
      this.blocks.push([id]);
      return;
    }
    const b = this.blockFor(id);
    const block = at(this.blocks, b);
    block.splice(lowerBound(block, id, this.compare), 0, id);
    if (block.length > 2 * BLOCK) this.blocks.splice(b, 1, block.slice(0, BLOCK), block.slice(BLOCK));
  }

  remove(id: number): void {
    this.starts = undefined;
    if (this.blocks.length === 0) return;
    const b = this.blockFor(id);
    const block = at(this.blocks, b);
    const position = lowerBound(block, id, this.compare);
    if (block[position] !== id) return;
    block.splice(position, 1);
    if (block.length === 0) this.blocks.splice(b, 1);
  }

  *[Symbol.iterator](): Generator<number> {
    for (const block of this.blocks) yield* block;
  }

  forEach(visit: (id: number) => boolean | undefined): void {
    for (const block of this.blocks) for (const id of block) if (visit(id) === false) return;
  }

  /** Visits ids from position `start` on, with their positions, until `visit` returns false. */
  forEachFrom(start: number, visit: (id: number, position: number) => boolean | undefined): void {
    const starts = this.startsOf();
    // The last block that starts at or before `start`.
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (at(starts, mid) <= start) low = mid + 1;
      else high = mid;
    }
    for (let b = Math.max(0, low - 1); b < this.blocks.length; b++) {
      const block = at(this.blocks, b);
      const position = at(starts, b);
      for (let i = Math.max(0, start - position); i < block.length; i++)
        if (visit(at(block, i), position + i) === false) return;
    }
  }

  /** How many ids come first in this order by `before`, which must hold for a prefix of the order and no further. */
  countBefore(before: (id: number) => boolean): number {
    let low = 0;
    let high = this.blocks.length;
    // The first block whose last id is not before.
    while (low < high) {
      const mid = (low + high) >>> 1;
      const block = at(this.blocks, mid);
      if (before(at(block, block.length - 1))) low = mid + 1;
      else high = mid;
    }
    const block = this.blocks[low];
    if (!block) return this.blocks.length === 0 ? 0 : at(this.startsOf(), low - 1) + at(this.blocks, low - 1).length;
    const position = at(this.startsOf(), low);
    let first = 0;
    let last = block.length;
    while (first < last) {
      const mid = (first + last) >>> 1;
      if (before(at(block, mid))) first = mid + 1;
      else last = mid;
    }
    return position + first;
  }

  slice(from: number, to: number): number[] {
    const out: number[] = [];
    let position = 0;
    for (const block of this.blocks) {
      const end = position + block.length;
      if (end > from && position < to)
        out.push(...block.slice(Math.max(0, from - position), Math.min(block.length, to - position)));
      if (end >= to) break;
      position = end;
    }
    return out;
  }

  /** The block whose range holds `id`: the first whose last id is not before it, else the last. */
  private blockFor(id: number): number {
    let low = 0;
    let high = this.blocks.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const block = at(this.blocks, mid);
      // Blocks are never empty: remove() drops a block that it empties.
      if (this.compare(at(block, block.length - 1), id) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** Key order, ties by id ascending. */
const ascendingBy =
  (compareKeys: KeyCompare): KeyCompare =>
  (a, b) =>
    compareKeys(a, b) || a - b;
/** Key order reversed, ties still by id ascending. */
const descendingBy =
  (compareKeys: KeyCompare): KeyCompare =>
  (a, b) =>
    compareKeys(b, a) || a - b;

export class SortedIndex {
  readonly compare: KeyCompare;
  readonly compareDescending: KeyCompare;
  private readonly ascending: BlockList;
  private readonly descending: BlockList;

  /** From the ids in ascending order, or as a copy of `source`'s orders. */
  private constructor(
    /** Compares the keys only; ties are broken by id here. */
    readonly compareKeys: KeyCompare,
    from: { ascending: number[] } | { source: SortedIndex },
  ) {
    this.compare = ascendingBy(compareKeys);
    this.compareDescending = descendingBy(compareKeys);
    if ('source' in from) {
      this.ascending = from.source.ascending.clone(this.compare);
      this.descending = from.source.descending.clone(this.compareDescending);
    } else {
      this.ascending = BlockList.from(from.ascending, this.compare);
      this.descending = BlockList.from(reversedKeepingTies(from.ascending, compareKeys), this.compareDescending);
    }
  }

  /**
   * `numericKey`, when the key is a small non-negative integer, lets the first sort run natively on
   * packed numbers instead of through a comparator: most of the start-up time of a large tree.
   */
  static build(ids: number[], compareKeys: KeyCompare, numericKey?: (id: number) => number): SortedIndex {
    const ascending = numericKey ? sortByPackedKey(ids, numericKey) : ids.slice().sort(ascendingBy(compareKeys));
    return new SortedIndex(compareKeys, { ascending });
  }

  /**
   * The same index as `build`, sorting through the comparator in steps (sorted runs, then merges) that
   * yield between them, so that a server building a large tree keeps answering.
   */
  static *buildInSteps(
    ids: number[],
    compareKeys: KeyCompare,
    numericKey?: (id: number) => number,
  ): Generator<void, SortedIndex> {
    const packed = numericKey ? yield* packedSortInSteps(ids, numericKey) : undefined;
    const ascending = packed ?? (yield* mergeSortInSteps(ids, ascendingBy(compareKeys)));
    return new SortedIndex(compareKeys, { ascending });
  }

  /** A copy of the orders, comparing with `compareKeys` (the copy's own view of the keys). */
  clone(compareKeys: KeyCompare): SortedIndex {
    return new SortedIndex(compareKeys, { source: this });
  }

  /** Must run while the id's key is still the one it was inserted with. */
  remove(id: number): void {
    this.ascending.remove(id);
    this.descending.remove(id);
  }

  insert(id: number): void {
    this.ascending.insert(id);
    this.descending.insert(id);
  }

  /** Every id in order; stop early by breaking out of the loop. */
  order(descending: boolean): Iterable<number> {
    return descending ? this.descending : this.ascending;
  }

  /** Visits ids in order until `visit` returns false; faster than iterating `order()`. */
  forEach(descending: boolean, visit: (id: number) => boolean | undefined): void {
    (descending ? this.descending : this.ascending).forEach(visit);
  }

  slice(descending: boolean, from: number, to: number): number[] {
    return (descending ? this.descending : this.ascending).slice(from, to);
  }

  /** Visits ids in order from position `start`, with their positions, until `visit` returns false. */
  forEachFrom(descending: boolean, start: number, visit: (id: number, position: number) => boolean | undefined): void {
    (descending ? this.descending : this.ascending).forEachFrom(start, visit);
  }

  /** How many ids come before a place in the order, found by binary search: `before` holds for a prefix only. */
  countBefore(descending: boolean, before: (id: number) => boolean): number {
    return (descending ? this.descending : this.ascending).countBefore(before);
  }

  /** The position of an id in the order (its key as it was inserted). */
  positionOf(descending: boolean, id: number): number {
    const compare = descending ? this.compareDescending : this.compare;
    return this.countBefore(descending, (other) => compare(other, id) < 0);
  }
}

const ID_SPACE = 2 ** 31;
const RUN = 32_768;

/** sortByPackedKey in steps: native sorts of runs of packed keys, then merges that yield every 64 Ki keys. */
function* packedSortInSteps(ids: number[], key: (id: number) => number): Generator<void, number[] | undefined> {
  const n = ids.length;
  let from = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const id = at(ids, i);
    const value = key(id);
    // Packed only while every key fits; otherwise undefined, and the comparator sorts.
    if (!(Number.isInteger(value) && value >= 0 && value < 2 ** 22)) return undefined;
    from[i] = value * ID_SPACE + id;
    if ((i & 0xffff) === 0xffff) yield;
  }
  const run = RUN * 8;
  for (let i = 0; i < n; i += run) {
    from.subarray(i, Math.min(n, i + run)).sort();
    yield;
  }
  let to = new Float64Array(n);
  for (let width = run; width < n; width *= 2) {
    for (let low = 0; low < n; low += 2 * width) {
      const middle = Math.min(n, low + width);
      const high = Math.min(n, low + 2 * width);
      let i = low;
      let j = middle;
      let k = low;
      while (i < middle && j < high) {
        const left = at(from, i);
        const right = at(from, j);
        if (left <= right) {
          to[k++] = left;
          i++;
        } else {
          to[k++] = right;
          j++;
        }
        if ((k & 0xffff) === 0) yield;
      }
      to.set(from.subarray(i, middle), k);
      k += middle - i;
      to.set(from.subarray(j, high), k);
    }
    [from, to] = [to, from];
    yield;
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    out[i] = at(from, i) % ID_SPACE;
    if ((i & 0xffff) === 0xffff) yield;
  }
  return out;
}

/** A merge sort that yields after each sorted run, each merge and every 64 Ki merged ids. */
function* mergeSortInSteps(ids: number[], compare: KeyCompare): Generator<void, number[]> {
  let runs: number[][] = [];
  for (let i = 0; i < ids.length; i += RUN) {
    runs.push(ids.slice(i, i + RUN).sort(compare));
    yield;
  }
  while (runs.length > 1) {
    const merged: number[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = at(runs, r);
      const b = runs[r + 1];
      if (!b) {
        merged.push(a);
        continue;
      }
      const out = new Array<number>(a.length + b.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < a.length && j < b.length) {
        const left = at(a, i);
        const right = at(b, j);
        if (compare(left, right) <= 0) {
          out[k++] = left;
          i++;
        } else {
          out[k++] = right;
          j++;
        }
        if ((k & 0xffff) === 0) yield;
      }
      for (; i < a.length; i++) out[k++] = at(a, i);
      for (; j < b.length; j++) out[k++] = at(b, j);
      merged.push(out);
      yield;
    }
    runs = merged;
  }
  return runs[0] ?? [];
}

/** Sorts by (key, id) as one float64 each: key × 2^31 + id is exact while key < 2^22. */
function sortByPackedKey(ids: number[], key: (id: number) => number): number[] {
  const packed = new Float64Array(ids.length);
  ids.forEach((id, i) => {
    packed[i] = key(id) * ID_SPACE + id;
  });
  packed.sort();
  const out = new Array<number>(ids.length);
  packed.forEach((value, i) => {
    out[i] = value % ID_SPACE;
  });
  return out;
}

/** (key desc, id asc) from (key asc, id asc) in one pass: reverse, then put each run of equal keys back in id order. */
function reversedKeepingTies(ascending: number[], compareKeys: KeyCompare): number[] {
  const out = ascending.slice().reverse();
  let start = 0;
  for (let i = 1; i <= out.length; i++) {
    if (i === out.length || compareKeys(at(out, i - 1), at(out, i)) !== 0) {
      for (let a = start, b = i - 1; a < b; a++, b--) {
        const first = at(out, a);
        out[a] = at(out, b);
        out[b] = first;
      }
      start = i;
    }
  }
  return out;
}

function lowerBound(ids: number[], id: number, compare: KeyCompare): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(at(ids, mid), id) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Ids in (key, id) order with their keys stored beside them, so that placing an id compares stored keys
 * and reads nothing else: the small orders of a session's overlay, changed on every write. One direction
 * is kept; the descending order (key descending, ties still by id ascending) is made when read.
 */
export class KeyedOrder<K extends number | string> {
  /** Blocks of at most 2 × BLOCK ids, and their keys at the same places; never empty. */
  private readonly idBlocks: number[][] = [];
  private readonly keyBlocks: K[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  insert(id: number, key: K): void {
    this.count++;
    const b = this.blockFor(id, key);
    const ids = this.idBlocks[b];
    const keys = this.keyBlocks[b];
    if (!ids || !keys) {
      this.idBlocks.push([id]);
      this.keyBlocks.push([key]);
      return;
    }
    const i = placeIn(ids, keys, id, key);
    if (i === ids.length) {
      ids.push(id);
      keys.push(key);
    } else {
      ids.splice(i, 0, id);
      keys.splice(i, 0, key);
    }
    if (ids.length > 2 * BLOCK) {
      this.idBlocks.splice(b, 1, ids.slice(0, BLOCK), ids.slice(BLOCK));
      this.keyBlocks.splice(b, 1, keys.slice(0, BLOCK), keys.slice(BLOCK));
    }
  }

  /** `key` must be the key the id was inserted with. */
  remove(id: number, key: K): void {
    const b = this.blockFor(id, key);
    const ids = this.idBlocks[b];
    const keys = this.keyBlocks[b];
    if (!ids || !keys) return;
    const i = placeIn(ids, keys, id, key);
    if (ids[i] !== id) return;
    this.count--;
    ids.splice(i, 1);
    keys.splice(i, 1);
    if (ids.length === 0) {
      this.idBlocks.splice(b, 1);
      this.keyBlocks.splice(b, 1);
    }
  }

  /** Every id in order. */
  ids(descending: boolean): number[] {
    const ids = this.idBlocks.flat();
    if (!descending) return ids;
    const keys = this.keyBlocks.flat();
    // Reversed, then each run of equal keys put back in id order.
    const out = ids.reverse();
    keys.reverse();
    let start = 0;
    for (let i = 1; i <= out.length; i++) {
      if (i < out.length && keys[i] === keys[i - 1]) continue;
      for (let a = start, z = i - 1; a < z; a++, z--) {
        const first = at(out, a);
        out[a] = at(out, z);
        out[z] = first;
      }
      start = i;
    }
    return out;
  }

  /** The block where (key, id) belongs: the first whose last entry is not before it, else the last. */
  private blockFor(id: number, key: K): number {
    let low = 0;
    let high = this.idBlocks.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const ids = at(this.idBlocks, mid);
      const last = ids.length - 1;
      if (before(at(at(this.keyBlocks, mid), last), at(ids, last), key, id)) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** (ka, a) comes before (k, x): key ascending, ties by id ascending. */
const before = <K extends number | string>(ka: K, a: number, k: K, x: number) => ka < k || (ka === k && a < x);

/** The first place in a block whose entry is not before (key, id). */
function placeIn<K extends number | string>(ids: number[], keys: K[], id: number, key: K): number {
  // Most inserts go last (new ids, equal keys): one comparison.
  const last = ids.length - 1;
  if (last < 0 || before(at(keys, last), at(ids, last), key, id)) return ids.length;
  let low = 0;
  let high = last;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (before(at(keys, mid), at(ids, mid), key, id)) low = mid + 1;
    else high = mid;
  }
  return low;
}
