/**
 * JSON of unknown shape, a target's answers and the spec's extensions, read field by field: each value is
 * narrowed where it is used, never assumed. (The runner's own reader: it shares no code with the mock's.)
 */
import { isObject } from '../openapi/document.ts';

export { isObject };

/** The fields of a JSON object; undefined for anything else, so that reading a field gives undefined, as when absent. */
export function fieldsOf(value: unknown): Record<string, unknown> | undefined {
  return isObject(value) ? value : undefined;
}

/** The string fields of a JSON object (a map of the spec's, like `x-error-messages`); undefined for anything else. */
export function stringsOf(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const strings: Record<string, string> = {};
  for (const [key, field] of Object.entries(value)) if (typeof field === 'string') strings[key] = field;
  return strings;
}

/** A field that is a string, else undefined. */
export function stringAt(fields: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = fields?.[key];
  return typeof value === 'string' ? value : undefined;
}
