/**
 * The faker-generated bulk beyond the fixed skeleton. A local Faker instance with a fixed seed and
 * reference date makes every start with the same seed byte-identical, timestamps included.
 */
import { Faker, en } from '@faker-js/faker';
import type { OrgRecord, UnitSystem } from './organization.ts';

/** Fixed, so that the data never depends on the runtime's time-zone database. */
export const GENERATED_ZONES = [
  'Europe/Kyiv', 'Europe/Berlin', 'Europe/London', 'Europe/Paris', 'Europe/Warsaw', 'Europe/Madrid',
  'Europe/Rome', 'Europe/Amsterdam', 'Europe/Stockholm', 'America/New_York', 'America/Chicago',
  'America/Denver', 'America/Los_Angeles', 'America/Toronto', 'America/Sao_Paulo', 'America/Mexico_City',
  'Asia/Tokyo', 'Asia/Singapore', 'Asia/Kolkata', 'Asia/Dubai', 'Asia/Shanghai', 'Australia/Sydney',
  'Africa/Johannesburg', 'Pacific/Auckland', 'UTC',
] as const;

const COUNTRY_CODES = ['1', '44', '49', '33', '380', '48', '34', '39', '31', '46', '81', '65', '91', '61'] as const;

/** 2024-02-07T00:00:00Z: generated timestamps fall in the two years before it. */
export const REFERENCE_DATE = Date.UTC(2024, 1, 7);

/** Organizations of the skeleton that keep exactly the children the fixture gives them. */
const CLOSED_PARENTS = new Set([2, 3, 4]);

export interface GenerateOptions {
  seed: number;
  count: number;
  maxDepth: number;
}

/** Company names as the name rule allows them: no commas or ampersands, 3 to 100 symbols. */
export function toValidName(raw: string): string {
  const cleaned = raw
    .replace(/&/g, 'and')
    .replace(/[^\p{L}\p{M}\p{Nd} .'-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100)
    .trim();
  return cleaned.length >= 3 ? cleaned : `${cleaned} Org`.trim();
}

export function generateOrganizations(skeleton: readonly OrgRecord[], options: GenerateOptions): OrgRecord[] {
  const faker = new Faker({ locale: [en] });
  faker.seed(options.seed);
  faker.setDefaultRefDate(REFERENCE_DATE);

  const depth = new Map<number, number>();
  const eligibleParents: number[] = [];
  let nextId = 1;
  for (const org of skeleton) {
    const level = org.parentOrganizationId === undefined ? 0 : (depth.get(org.parentOrganizationId) ?? 0) + 1;
    depth.set(org.id, level);
    if (level < options.maxDepth && !CLOSED_PARENTS.has(org.id)) eligibleParents.push(org.id);
    nextId = Math.max(nextId, org.id + 1);
  }
  const byId = new Map(skeleton.map((org) => [org.id, org]));

  const generated: OrgRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const id = nextId++;
    const parentId = faker.helpers.arrayElement(eligibleParents);
    const parent = byId.get(parentId) as OrgRecord;
    const level = (depth.get(parentId) ?? 0) + 1;
    const city = faker.location.city();
    const org: OrgRecord = {
      id,
      name: toValidName(faker.company.name()),
      description: faker.company.catchPhrase().replace(/[/\\<>]/g, ' ').slice(0, 1000),
      parentOrganizationId: parentId,
      tz: faker.datatype.boolean(0.7) ? parent.tz : faker.helpers.arrayElement(GENERATED_ZONES),
      unitSystem: faker.helpers.arrayElement<UnitSystem>(['METRIC', 'IMPERIAL']),
      phoneNumber: `+${faker.helpers.arrayElement(COUNTRY_CODES)}${faker.string.numeric({ length: 9, allowLeadingZeros: false })}`,
      address: {
        fullAddress: `${faker.location.streetAddress()}, ${city}`.slice(0, 512),
        country: faker.location.country().slice(0, 74),
        city: city.slice(0, 50),
        state: faker.location.state().slice(0, 40),
        zip: faker.location.zipCode().slice(0, 12),
      },
      lastModifiedTs: faker.date.past({ years: 2 }).getTime(),
      // Many organizations have no devices yet, so some are deletable.
      deviceCount: faker.datatype.boolean(0.3) ? 0 : faker.number.int({ min: 1, max: 500 }),
      userCount: faker.number.int({ min: 1, max: 60 }),
    };
    generated.push(org);
    byId.set(id, org);
    depth.set(id, level);
    if (level < options.maxDepth) eligibleParents.push(id);
  }
  return generated;
}
