/**
 * The one request rule that a JSON schema cannot state by itself: what an IANA time zone name is. The
 * spec names it as the custom string format `iana-time-zone`, and the validators compiled from the spec
 * use this function for it. The name alphabet, lengths and patterns live in openapi.yaml.
 */

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
