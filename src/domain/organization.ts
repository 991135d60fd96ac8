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

const jsonCache = new WeakMap<OrgRecord, string>();

/**
 * The public form as JSON text, kept per record: records never change in place, so the text of a
 * record is computed once however often it is read.
 */
export function publicJson(org: OrgRecord): string {
  let json = jsonCache.get(org);
  if (json === undefined) {
    json = publicJsonText(org);
    jsonCache.set(org, json);
  }
  return json;
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
