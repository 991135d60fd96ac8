/**
 * Organization ids kept sorted by one key, in both directions, ties by id ascending in both (as the
 * API sorts), and maintained on every write: a search walks an order that already exists instead of
 * sorting the tree on the request path.
 */
export type KeyCompare = (a: number, b: number) => number;

export class SortedIndex {
  readonly compare: KeyCompare;
  readonly compareDescending: KeyCompare;

  private constructor(
    /** Compares the keys only; ties are broken by id here. */
    readonly compareKeys: KeyCompare,
    private ascending: number[],
    private descending: number[],
  ) {
    this.compare = (a, b) => compareKeys(a, b) || a - b;
    this.compareDescending = (a, b) => compareKeys(b, a) || a - b;
  }

  static build(ids: number[], compareKeys: KeyCompare): SortedIndex {
    const index = new SortedIndex(compareKeys, [], []);
    index.ascending = ids.slice().sort(index.compare);
    index.descending = reversedKeepingTies(index.ascending, compareKeys);
    return index;
  }

  /** A copy of the orders, comparing with `compareKeys` (the copy's own view of the keys). */
  clone(compareKeys: KeyCompare): SortedIndex {
    return new SortedIndex(compareKeys, this.ascending.slice(), this.descending.slice());
  }

  get length(): number {
    return this.ascending.length;
  }

  /** Must run while the id's key is still the one it was inserted with. */
  remove(id: number): void {
    removeFrom(this.ascending, id, this.compare);
    removeFrom(this.descending, id, this.compareDescending);
  }

  insert(id: number): void {
    this.ascending.splice(lowerBound(this.ascending, id, this.compare), 0, id);
    this.descending.splice(lowerBound(this.descending, id, this.compareDescending), 0, id);
  }

  /** The whole order; callers only read it. */
  order(descending: boolean): readonly number[] {
    return descending ? this.descending : this.ascending;
  }

  slice(descending: boolean, from: number, to: number): number[] {
    return (descending ? this.descending : this.ascending).slice(from, to);
  }
}

/** (key desc, id asc) from (key asc, id asc) in one pass: reverse, then put each run of equal keys back in id order. */
function reversedKeepingTies(ascending: number[], compareKeys: KeyCompare): number[] {
  const out = ascending.slice().reverse();
  let start = 0;
  for (let i = 1; i <= out.length; i++) {
    if (i === out.length || compareKeys(out[i - 1] as number, out[i] as number) !== 0) {
      if (i - start > 1) {
        for (let a = start, b = i - 1; a < b; a++, b--) [out[a], out[b]] = [out[b] as number, out[a] as number];
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
    if (compare(ids[mid] as number, id) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

function removeFrom(ids: number[], id: number, compare: KeyCompare): void {
  const at = lowerBound(ids, id, compare);
  if (ids[at] === id) ids.splice(at, 1);
}
