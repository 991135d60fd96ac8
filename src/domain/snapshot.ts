/**
 * Export and import of the whole organization tree, so that a test can start from a saved scenario.
 *
 * Both stream: an export is written a few thousand organizations at a time, and an import is read as
 * it arrives, one organization at a time, each checked as soon as it is complete with the rules of
 * create (the spec's own schemas, passed in as `checkShape`). The first bad
 * organization refuses the whole import, by its id; nothing changes until the new tree is complete.
 */
import { SNAPSHOT_MESSAGES } from '../generated/openapi.ts';
import { at, isObject } from './checked.ts';
import { invalidInput, messages, Refusal } from './errors.ts';
import type { Address, OrgRecord } from './organization.ts';
import { OrgTree, type Tree, type TreeLimits } from './tree.ts';

export const SNAPSHOT_FORMAT = 'orgs-mock/state@1';

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  nextOrganizationId: number;
  organizations: OrgRecord[];
}

export function exportTree(tree: Tree): Snapshot {
  return { format: SNAPSHOT_FORMAT, nextOrganizationId: tree.nextOrganizationId, organizations: tree.all() };
}

/** Organizations per piece of a streamed export. */
const EXPORT_BATCH = 2_000;

/**
 * The export as JSON text in pieces, of the tree as it is now (records never change in place, so later
 * writes do not show in an export already started).
 */
export function* exportPieces(tree: Tree): Generator<string> {
  const records = tree.all();
  yield `{"format":"${SNAPSHOT_FORMAT}","nextOrganizationId":${tree.nextOrganizationId},"organizations":[`;
  for (let i = 0; i < records.length; i += EXPORT_BATCH) {
    const piece = records
      .slice(i, i + EXPORT_BATCH)
      .map((org) => JSON.stringify(org))
      .join(',');
    yield i === 0 ? piece : `,${piece}`;
  }
  yield ']}';
}

const invalid = (why: string) => invalidInput(messages.importInvalid(why));
const withoutDot = (message: string) => message.replace(/\.$/, '');

/** The rules an imported organization must pass; `checkShape` throws a 400 Refusal naming the problem. */
export interface ImportRules {
  limits: TreeLimits;
  /** The JSON shape of one organization, and its fields as create would check them; returns the name as create stores it. */
  checkShape(org: Record<string, unknown>): { name: string };
}

/** One organization of an export is a few hundred characters; this much is never one. */
export const MAX_ORGANIZATION_CHARS = 64 * 1024;

const RECORD_FIELDS = new Set([
  'id',
  'name',
  'description',
  'parentOrganizationId',
  'tz',
  'unitSystem',
  'phoneNumber',
  'address',
  'lastModifiedTs',
  'deviceCount',
  'userCount',
]);
const ADDRESS_FIELDS = new Set(['fullAddress', 'country', 'city', 'state', 'zip']);

/** The known address fields, in the file's order (so an export imported again is the same): unknown keys would fail the response schema later. */
function knownAddressFields(address: Record<string, unknown>): Address {
  const out: Address = {};
  for (const [field, value] of Object.entries(address))
    if (isAddressField(field) && typeof value === 'string') out[field] = value;
  return out;
}

const isAddressField = (field: string): field is keyof Address => ADDRESS_FIELDS.has(field);

/** One imported organization, checked: only the known fields, so nothing else from the file ends up in responses. */
function checkedRecord(raw: unknown, position: number, rules: ImportRules): OrgRecord {
  if (!isObject(raw)) throw refusedRecord(raw, position, invalidInput('it should be a JSON object'));
  const fields = raw;
  try {
    const { name } = rules.checkShape(fields);
    // The known fields in the file's own order, so that an export imported and exported again is the same text.
    const org: Record<string, unknown> = {};
    for (const field in fields) {
      if (!Object.hasOwn(fields, field) || !RECORD_FIELDS.has(field)) continue;
      const value = fields[field];
      if (value === undefined) continue;
      if (field === 'name') org.name = name;
      // checkShape has made sure an address is null or an object.
      else if (field === 'address') org.address = isObject(value) ? knownAddressFields(value) : null;
      else org[field] = value;
    }
    org.deviceCount ??= 0;
    org.userCount ??= 0;
    if (!isRecord(org)) throw new Error('an organization without id, name, tz or lastModifiedTs passed checkShape');
    return org;
  } catch (error) {
    throw refusedRecord(raw, position, error);
  }
}

/** The import's refusal naming the organization, by id when it has one. */
function refusedRecord(raw: unknown, position: number, error: unknown): unknown {
  if (!(error instanceof Refusal)) return error;
  const id =
    isObject(raw) && Number.isInteger(raw.id) ? `organization ${raw.id}` : `the organization at position ${position}`;
  return invalid(`${id}: ${withoutDot(error.message)}`);
}

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const STRING_STOP = /["\\]/g;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const notJson = () => invalidInput(messages.bodyNotJson);

/** The top-level fields the reader keeps besides the organizations; others are skipped unread. */
const KEPT_FIELDS = new Set(['format', 'nextOrganizationId']);

/**
 * Reads a snapshot as it arrives: the organizations one by one (each parsed and checked when complete),
 * the known top-level fields whole. Unknown top-level fields are skipped as they stream past, without
 * being kept or built (only their brackets and strings are followed): a file of `[{},{},…]` under unknown
 * keys, or millions of distinct keys, costs a scan, not a heap. Memory holds the records read so far and
 * one unfinished item, never the whole text.
 */
export class SnapshotReader {
  private text = '';
  private at = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Top level: 'key' → 'colon' → 'value' → 'next'; in the organizations array: 'value' → 'next'. */
  private phase: 'start' | 'key' | 'colon' | 'value' | 'next' | 'done' = 'start';
  private key: string | undefined;
  private keyStart = -1;
  /** Start of the value being captured, the depth it sits at, and whether it is a bare number or word. */
  private start = -1;
  private captureDepth = 0;
  private bare = false;
  /** Inside the value of an unknown top-level field: followed, not kept. */
  private skipping = false;
  private inOrganizations = false;
  private sawOrganizations = false;
  private readonly fields: Record<string, unknown> = {};
  private readonly records = new Map<number, OrgRecord>();

  constructor(private readonly rules: ImportRules) {}

  push(chunk: string): void {
    this.text += chunk;
    const text = this.text;
    for (let i = this.at; i < text.length; i++) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          continue;
        }
        // Straight to the next quote or backslash: string contents are most of a snapshot's characters.
        STRING_STOP.lastIndex = i;
        if (!STRING_STOP.test(text)) break;
        i = STRING_STOP.lastIndex - 1;
        if (text.charCodeAt(i) === BACKSLASH) this.escaped = true;
        else {
          this.inString = false;
          this.closeString(i);
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (this.bare) {
        if (!(isSpace(c) || c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY)) continue;
        this.bare = false;
        this.emitValue(i);
      }
      this.structural(c, i);
    }
    // Keep only what an unfinished item still needs.
    const keep = this.start >= 0 && !this.skipping ? this.start : this.keyStart >= 0 ? this.keyStart : text.length;
    if (text.length - keep > MAX_ORGANIZATION_CHARS) {
      throw this.inOrganizations
        ? invalid(`organization ${this.records.size + 1} is longer than ${MAX_ORGANIZATION_CHARS} characters`)
        : invalid(`a field is longer than ${MAX_ORGANIZATION_CHARS} characters`);
    }
    this.text = text.slice(keep);
    this.at = this.text.length;
    if (this.skipping) this.start = 0;
    else if (this.start >= 0) this.start -= keep;
    if (this.keyStart >= 0) this.keyStart -= keep;
  }

  /** The fields and the organizations, once the whole text has arrived. */
  end(): { nextOrganizationId: number | undefined; records: Map<number, OrgRecord> } {
    if (this.bare) {
      this.bare = false;
      this.emitValue(this.text.length);
    }
    if (this.phase !== 'done' || this.text.slice(this.at).trim() !== '')
      throw invalidInput(this.phase === 'start' ? messages.bodyMissing : messages.bodyNotJson);
    if (this.fields.format !== SNAPSHOT_FORMAT)
      throw this.fields.format === undefined
        ? invalidInput(messages.fieldRequired('format'))
        : invalidInput(SNAPSHOT_MESSAGES.format);
    if (!this.sawOrganizations) throw invalidInput(messages.fieldRequired('organizations'));
    if (this.records.size === 0) throw invalidInput(SNAPSHOT_MESSAGES.organizations);
    const next = this.fields.nextOrganizationId;
    if (next !== undefined && !(typeof next === 'number' && Number.isInteger(next) && next >= 1 && next <= 2 ** 31)) {
      throw invalidInput(SNAPSHOT_MESSAGES.nextOrganizationId);
    }
    return { nextOrganizationId: next, records: this.records };
  }

  // Runs for every character outside strings: no closures here (tsx wraps each one it makes).
  private structural(c: number, i: number): void {
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) return;
    if (this.phase === 'done') throw notJson();
    if (this.phase === 'start') {
      if (c !== OPEN_OBJECT) throw invalidInput(SNAPSHOT_MESSAGES['']);
      this.depth = 1;
      this.phase = 'key';
      return;
    }
    if (this.start >= 0) {
      // Inside a captured object or array: only the depth matters.
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.depth--;
        if (this.depth === this.captureDepth) this.emitValue(i + 1);
      }
      return;
    }
    const top = this.depth === 1;
    if (this.phase === 'key') {
      if (top && c === CLOSE_OBJECT && this.key === undefined) {
        this.close();
        return;
      }
      if (!top || c !== QUOTE) throw notJson();
      this.keyStart = i;
      this.inString = true;
      return;
    }
    if (this.phase === 'colon') {
      if (c !== COLON) throw notJson();
      this.phase = 'value';
      return;
    }
    if (this.phase === 'next') {
      if (c === COMMA) this.phase = top ? 'key' : 'value';
      else if (top && c === CLOSE_OBJECT) this.close();
      else if (!top && c === CLOSE_ARRAY) this.closeOrganizations();
      else throw notJson();
      return;
    }
    // phase 'value': a value at the top level, or an organization in the array.
    if (top && this.key === 'organizations') {
      if (c !== OPEN_ARRAY) throw invalidInput(SNAPSHOT_MESSAGES.organizations);
      this.depth = 2;
      this.inOrganizations = true;
      this.sawOrganizations = true;
      this.phase = 'value';
      this.key = undefined;
      return;
    }
    if (!top && c === CLOSE_ARRAY && this.records.size === 0) {
      this.closeOrganizations();
      return;
    }
    this.start = i;
    this.skipping = top && !KEPT_FIELDS.has(this.key ?? '');
    this.captureDepth = this.depth;
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.depth++;
    else if (c === QUOTE) this.inString = true;
    else this.bare = true;
  }

  private closeString(i: number): void {
    if (this.keyStart >= 0) {
      this.key = String(JSON.parse(this.text.slice(this.keyStart, i + 1))); // a JSON string's text parses to that string
      this.keyStart = -1;
      this.phase = 'colon';
    } else if (this.start >= 0 && this.depth === this.captureDepth) {
      this.emitValue(i + 1);
    }
  }

  /** The value that ends before `end`: parsed, or, for a skipped field, only left behind. */
  private emitValue(end: number): void {
    if (!this.skipping) {
      this.emit(this.text.slice(this.start, end));
      return;
    }
    this.skipping = false;
    this.start = -1;
    this.phase = 'next';
    this.key = undefined;
  }

  private emit(json: string): void {
    this.start = -1;
    this.phase = 'next';
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      throw invalidInput(messages.bodyNotJson);
    }
    if (!this.inOrganizations) {
      if (this.key !== undefined && this.key !== '__proto__') this.fields[this.key] = value;
      this.key = undefined;
      return;
    }
    const org = checkedRecord(value, this.records.size + 1, this.rules);
    if (this.records.has(org.id)) throw invalid(`id ${org.id} appears twice`);
    if (this.records.size >= this.rules.limits.maxOrganizations)
      throw invalid(`more than ${this.rules.limits.maxOrganizations} organizations`);
    this.records.set(org.id, org);
  }

  private closeOrganizations(): void {
    this.inOrganizations = false;
    this.depth = 1;
    this.phase = 'next';
  }

  private close(): void {
    this.depth = 0;
    this.phase = 'done';
  }
}

/** Organizations between two pauses of an import's checks. */
const STEP = 50_000;

/**
 * A tree from checked records: one root, known parents, no cycles, depth within limits. Built in steps
 * with `pause()` between them, so that the server keeps answering while a large tree is built.
 */
export async function importTree(
  read: { nextOrganizationId: number | undefined; records: Map<number, OrgRecord> },
  limits: TreeLimits,
  pause: () => Promise<void>,
): Promise<OrgTree> {
  const { records: byId } = read;
  let root: OrgRecord | undefined;
  let roots = 0;
  let highest = 0;
  const children = new Map<number, OrgRecord[]>();
  let seen = 0;
  for (const org of byId.values()) {
    if (++seen % STEP === 0) await pause();
    if (org.id > highest) highest = org.id; // a loop: Math.max(...ids) overflows the stack past ~125,000
    if (org.parentOrganizationId === undefined) {
      root = org;
      roots++;
      continue;
    }
    if (!byId.has(org.parentOrganizationId))
      throw invalid(`organization ${org.id} names a parent ${org.parentOrganizationId} that is not in the file`);
    const siblings = children.get(org.parentOrganizationId);
    if (siblings) siblings.push(org);
    else children.set(org.parentOrganizationId, [org]);
  }
  if (roots !== 1 || !root) throw invalid(`there should be exactly one root organization, not ${roots}`);
  // Parents first, so the tree can be built in one pass; a cycle never reaches the root.
  const depth = new Map<number, number>([[root.id, 1]]);
  const ordered: OrgRecord[] = [root];
  for (let i = 0; i < ordered.length; i++) {
    if (i % STEP === STEP - 1) await pause();
    const parent = at(ordered, i);
    // Levels count the root as 1, as the vendor does.
    const level = (depth.get(parent.id) ?? 1) + 1;
    for (const child of children.get(parent.id) ?? []) {
      if (level > limits.maxDepth)
        throw invalid(`organization ${child.id} is deeper than ${limits.maxDepth} levels, counting the root`);
      depth.set(child.id, level);
      ordered.push(child);
    }
  }
  if (ordered.length !== byId.size) throw invalid('some organizations form a cycle and never reach the root');
  return OrgTree.build(ordered, limits, Math.max(read.nextOrganizationId ?? 1, highest + 1), pause);
}

/** What checkShape and the snapshot schema have made sure of, stated for the compiler. */
function isRecord(value: object): value is OrgRecord {
  return 'id' in value && 'name' in value && 'tz' in value && 'lastModifiedTs' in value;
}
