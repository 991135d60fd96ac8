/** The organization as stored by the mock, and its public form. Types come from openapi.yaml. */
import type { components } from '../generated/openapi.ts';

/** The public Organization of openapi.yaml. */
export type Organization = components['schemas']['Organization'];
/** A postal address (the spec's Address is nullable; this is the object). */
export type Address = NonNullable<components['schemas']['Address']>;
export type UnitSystem = NonNullable<Organization['unitSystem']>;

/**
 * What the mock keeps: the public fields plus the counts that drive sorting and deletion. The fields that
 * may never have been set are optional here; toPublic answers them as the live service does.
 */
export interface OrgRecord extends Omit<Organization, keyof typeof UNSET> {
  description?: string;
  phoneNumber?: string;
  address?: Address | null;
  deviceCount: number;
  userCount: number;
}

/**
 * What the live service answers for an optional field that was never set: `""` and `null`, never a missing
 * key (the vendor's CLI fixtures, recorded from the live API). The one place these defaults live: every
 * answer, of created, renamed, seeded, fixture or imported organizations, is built by toPublic.
 */
export const UNSET = { description: '', phoneNumber: '', address: null } as const;

/** The public form: counts stripped, never-set optional fields as the live service answers them, keys in the published order. */
export function toPublic(org: OrgRecord): Organization {
  return {
    id: org.id,
    name: org.name,
    description: org.description ?? UNSET.description,
    ...(org.parentOrganizationId !== undefined && { parentOrganizationId: org.parentOrganizationId }),
    tz: org.tz,
    ...(org.unitSystem !== undefined && { unitSystem: org.unitSystem }),
    phoneNumber: org.phoneNumber ?? UNSET.phoneNumber,
    address: org.address ?? UNSET.address,
    lastModifiedTs: org.lastModifiedTs,
  };
}

/**
 * The public form as UTF-8 JSON, kept per record: records never change in place, so the bytes of a
 * record are made once however often it is read, and a page of a search is these bytes copied side by
 * side (no string to join, measure and encode again per answer).
 */
export function publicJson(org: OrgRecord): Uint8Array<ArrayBuffer> {
  let json = jsonCache.get(org);
  if (json === undefined) {
    json = kept(publicJsonText(org));
    jsonCache.set(org, json);
  }
  return json;
}

/** The public forms of `orgs` as one JSON array's members, `before` and `after` it: one copy of each. */
export function publicJsonList(orgs: readonly OrgRecord[], before: string, after: string): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(before);
  const tail = encoder.encode(after);
  const parts = orgs.map(publicJson);
  let size = head.length + tail.length + Math.max(0, parts.length - 1);
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  out.set(head, 0);
  let at = head.length;
  parts.forEach((part, i) => {
    if (i > 0) out[at++] = COMMA;
    out.set(part, at);
    at += part.length;
  });
  out.set(tail, at);
  return out;
}

const jsonCache = new WeakMap<OrgRecord, Uint8Array<ArrayBuffer>>();
const encoder = new TextEncoder();
const COMMA = 0x2c;
/** Kept bytes are views into shared slabs: an ArrayBuffer of its own per record would cost more than its bytes. */
const SLAB = 64 * 1024;
let slab = new Uint8Array(SLAB);
let used = 0;

function kept(text: string): Uint8Array<ArrayBuffer> {
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  const most = text.length * 3;
  if (most > SLAB / 4) return encoder.encode(text);
  if (most > SLAB - used) {
    slab = new Uint8Array(SLAB);
    used = 0;
  }
  const { written } = encoder.encodeInto(text, slab.subarray(used));
  const bytes = slab.subarray(used, used + written);
  used += written;
  return bytes;
}

/** `,"key":value` as JSON.stringify writes a member; nothing for undefined, which it leaves out. */
const member = (key: string, value: unknown) => (value === undefined ? '' : `,"${key}":${JSON.stringify(value)}`);

/**
 * JSON.stringify(toPublic(org)), byte for byte, without building the public object: the answer of a
 * write, whose record is new (so nothing is kept for it), is made on every write.
 */
export function publicJsonText(org: OrgRecord): string {
  return (
    `{"id":${JSON.stringify(org.id)}` +
    member('name', org.name) +
    member('description', org.description ?? UNSET.description) +
    member('parentOrganizationId', org.parentOrganizationId) +
    member('tz', org.tz) +
    member('unitSystem', org.unitSystem) +
    member('phoneNumber', org.phoneNumber ?? UNSET.phoneNumber) +
    member('address', org.address ?? UNSET.address) +
    `${member('lastModifiedTs', org.lastModifiedTs)}}`
  );
}
