/**
 * Checked reads for what the compiler cannot prove present: with `noUncheckedIndexedAccess` every index
 * read may be undefined, and these say so loudly, where a cast would carry the undefined on silently.
 */

/** The element at `index` of a list known to hold one there (an index below the length, a dense column). */
export function at<T>(list: ArrayLike<T | undefined>, index: number): T {
  const value = list[index];
  if (value === undefined) throw new RangeError(`Nothing at index ${index} of a list of ${list.length}.`);
  return value;
}

/** The value of a key known to be in the map. */
export function got<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new RangeError(`No entry for ${String(key)}.`);
  return value;
}

/** A JSON object (not null, not an array), whose fields are still to be checked. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
