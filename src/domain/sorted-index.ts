/**
 * Organization ids kept sorted by one key, in both directions, ties by id ascending in both (as the
 * API sorts), and maintained on every write: a search walks an order that already exists instead of
 * sorting the tree on the request path.
 *
 * Each order is a list of blocks of at most 2 × BLOCK ids, so an insert or a removal moves a few
 * hundred ids, not the whole tree, and a walk is still a plain loop over arrays.
 */
export type KeyCompare = (a: number, b: number) => number;

const BLOCK = 512;

class BlockList {
  constructor(
    readonly compare: KeyCompare,
    private blocks: number[][],
  ) {}

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
    if (this.blocks.length === 0) {
      this.blocks.push([id]);
      return;
    }
    const b = this.blockFor(id);
    const block = this.blocks[b] as number[];
    block.splice(lowerBound(block, id, this.compare), 0, id);
    if (block.length > 2 * BLOCK) this.blocks.splice(b, 1, block.slice(0, BLOCK), block.slice(BLOCK));
  }

  remove(id: number): void {
    if (this.blocks.length === 0) return;
    const b = this.blockFor(id);
    const block = this.blocks[b] as number[];
    const at = lowerBound(block, id, this.compare);
    if (block[at] !== id) return;
    block.splice(at, 1);
    if (block.length === 0) this.blocks.splice(b, 1);
  }

  *[Symbol.iterator](): Generator<number> {
    for (const block of this.blocks) yield* block;
  }

  forEach(visit: (id: number) => boolean | undefined): void {
    for (const block of this.blocks) for (const id of block) if (visit(id) === false) return;
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
      const block = this.blocks[mid] as number[];
      if (this.compare(block[block.length - 1] as number, id) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

export class SortedIndex {
  readonly compare: KeyCompare;
  readonly compareDescending: KeyCompare;

  private constructor(
    /** Compares the keys only; ties are broken by id here. */
    readonly compareKeys: KeyCompare,
    private ascending: BlockList | undefined,
    private descending: BlockList | undefined,
  ) {
    this.compare = (a, b) => compareKeys(a, b) || a - b;
    this.compareDescending = (a, b) => compareKeys(b, a) || a - b;
  }

  /**
   * `numericKey`, when the key is a small non-negative integer, lets the first sort run natively on
   * packed numbers instead of through a comparator: most of the start-up time of a large tree.
   */
  static build(ids: number[], compareKeys: KeyCompare, numericKey?: (id: number) => number): SortedIndex {
    const index = new SortedIndex(compareKeys, undefined, undefined);
    const ascending = numericKey ? sortByPackedKey(ids, numericKey) : ids.slice().sort(index.compare);
    index.ascending = BlockList.from(ascending, index.compare);
    index.descending = BlockList.from(reversedKeepingTies(ascending, compareKeys), index.compareDescending);
    return index;
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
    const index = new SortedIndex(compareKeys, undefined, undefined);
    const packed = numericKey ? yield* packedSortInSteps(ids, numericKey) : undefined;
    const ascending = packed ?? (yield* mergeSortInSteps(ids, index.compare));
    index.ascending = BlockList.from(ascending, index.compare);
    index.descending = BlockList.from(reversedKeepingTies(ascending, compareKeys), index.compareDescending);
    return index;
  }

  /** A copy of the orders, comparing with `compareKeys` (the copy's own view of the keys). */
  clone(compareKeys: KeyCompare): SortedIndex {
    const copy = new SortedIndex(compareKeys, undefined, undefined);
    copy.ascending = (this.ascending as BlockList).clone(copy.compare);
    copy.descending = (this.descending as BlockList).clone(copy.compareDescending);
    return copy;
  }

  /** Must run while the id's key is still the one it was inserted with. */
  remove(id: number): void {
    this.ascending?.remove(id);
    this.descending?.remove(id);
  }

  insert(id: number): void {
    this.ascending?.insert(id);
    this.descending?.insert(id);
  }

  /** Every id in order; stop early by breaking out of the loop. */
  order(descending: boolean): Iterable<number> {
    return (descending ? this.descending : this.ascending) as BlockList;
  }

  /** Visits ids in order until `visit` returns false; faster than iterating `order()`. */
  forEach(descending: boolean, visit: (id: number) => boolean | undefined): void {
    ((descending ? this.descending : this.ascending) as BlockList).forEach(visit);
  }

  slice(descending: boolean, from: number, to: number): number[] {
    return ((descending ? this.descending : this.ascending) as BlockList).slice(from, to);
  }
}

const ID_SPACE = 2 ** 31;
const RUN = 32_768;

/** sortByPackedKey in steps: native sorts of runs of packed keys, then merges that yield every 64 Ki keys. */
function* packedSortInSteps(ids: number[], key: (id: number) => number): Generator<void, number[] | undefined> {
  const n = ids.length;
  let from = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const value = key(ids[i] as number);
    // Packed only while every key fits; otherwise undefined, and the comparator sorts.
    if (!(Number.isInteger(value) && value >= 0 && value < 2 ** 22)) return undefined;
    from[i] = value * ID_SPACE + (ids[i] as number);
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
        to[k++] = (from[i] as number) <= (from[j] as number) ? (from[i++] as number) : (from[j++] as number);
        if ((k & 0xffff) === 0) yield;
      }
      while (i < middle) to[k++] = from[i++] as number;
      while (j < high) to[k++] = from[j++] as number;
    }
    [from, to] = [to, from];
    yield;
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    out[i] = (from[i] as number) % ID_SPACE;
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
      const a = runs[r] as number[];
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
        out[k++] = compare(a[i] as number, b[j] as number) <= 0 ? (a[i++] as number) : (b[j++] as number);
        if ((k & 0xffff) === 0) yield;
      }
      while (i < a.length) out[k++] = a[i++] as number;
      while (j < b.length) out[k++] = b[j++] as number;
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
  for (let i = 0; i < ids.length; i++) packed[i] = key(ids[i] as number) * ID_SPACE + (ids[i] as number);
  packed.sort();
  const out = new Array<number>(ids.length);
  for (let i = 0; i < packed.length; i++) out[i] = (packed[i] as number) % ID_SPACE;
  return out;
}

/** (key desc, id asc) from (key asc, id asc) in one pass: reverse, then put each run of equal keys back in id order. */
function reversedKeepingTies(ascending: number[], compareKeys: KeyCompare): number[] {
  const out = ascending.slice().reverse();
  let start = 0;
  for (let i = 1; i <= out.length; i++) {
    if (i === out.length || compareKeys(out[i - 1] as number, out[i] as number) !== 0) {
      for (let a = start, b = i - 1; a < b; a++, b--) [out[a], out[b]] = [out[b] as number, out[a] as number];
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
    if (compare(ids[mid] as number, id) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
