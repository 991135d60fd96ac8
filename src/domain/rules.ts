/**
 * The request rules that a JSON schema cannot express. Lengths, patterns and enums are in
 * openapi.yaml and enforced by the validators compiled from it.
 */
import { badRequest, messages } from './errors.ts';

// Letters of any script (with their combining marks), digits, spaces, dots, hyphens, apostrophes.
const NAME_ALPHABET = /^[\p{L}\p{M}\p{Nd} .'\u2019-]+$/u;


export function checkNameAlphabet(name: string): void {
  if (!NAME_ALPHABET.test(name)) throw badRequest(messages.nameAlphabet);
}

const validZones = new Set<string>();

/**
 * IANA zone names, as the runtime's time-zone database knows them (old aliases such as
 * `Europe/Kiev` included). Offsets and abbreviations that Intl also accepts are refused.
 */
export function isTimeZone(tz: string): boolean {
  if (validZones.has(tz)) return true;
  if (!/^(UTC|GMT|[A-Z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)+|Etc\/[A-Za-z0-9+-]+)$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    return false;
  }
  validZones.add(tz); // bounded: only names the runtime accepts are kept
  return true;
}

export function checkTimeZone(tz: string): void {
  if (!isTimeZone(tz)) throw badRequest(messages.timeZoneInvalid);
}
