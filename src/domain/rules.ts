/**
 * The one request rule that a JSON schema cannot state by itself: what an IANA time zone name is. The
 * spec names it as the custom string format `iana-time-zone`, and the validators compiled from the spec
 * use this function for it. The name alphabet, lengths and patterns live in openapi.yaml.
 */

const validZones = new Set<string>();

/**
 * The shape of every TZDB name, zones and links alike: `Europe/Kyiv`, `America/Argentina/ComodRivadavia`,
 * `Etc/GMT+5`, `UTC`, `CET`, `EST5EDT`, `GMT0`, `W-SU`; each part begins with a capital. Offsets (`+01:00`),
 * which newer runtimes also accept as a timeZone, and lower-case spellings do not have it.
 */
const TZDB_SHAPE = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/;

/**
 * Names that ICU accepts but the TZDB does not have: the three-letter ids of old Java runtimes (`PST`, `IST`,
 * `BST`…; `EST`, `MST` and `HST` are TZDB names and stay), and ICU's `SystemV/` zones.
 */
const NOT_TZDB = new Set([
  'ACT',
  'AET',
  'AGT',
  'ART',
  'AST',
  'BET',
  'BST',
  'CAT',
  'CNT',
  'CST',
  'CTT',
  'EAT',
  'ECT',
  'IET',
  'IST',
  'JST',
  'MIT',
  'NET',
  'NST',
  'PLT',
  'PNT',
  'PRT',
  'PST',
  'SST',
  'VST',
]);

/**
 * Every name of the IANA time zone database that the runtime's time-zone data knows, zones and links
 * (`Europe/Kiev`, `US/Pacific`, `CET`, `EST5EDT`, `Etc/GMT-14`, `UTC`). Offsets, abbreviations and
 * misspelt cases, which Intl partly accepts too, are refused.
 */
export function isTimeZone(tz: string): boolean {
  if (validZones.has(tz)) return true;
  if (tz.length > 64 || !TZDB_SHAPE.test(tz) || NOT_TZDB.has(tz) || tz.startsWith('SystemV/')) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    return false;
  }
  validZones.add(tz); // bounded: only names the runtime accepts are kept
  return true;
}
