/**
 * The faker-generated bulk beyond the fixed skeleton. A local Faker instance with a fixed seed and
 * reference date makes every start with the same seed byte-identical, timestamps included.
 */
import { en, Faker } from '@faker-js/faker';
import { seededRandom } from './chaos.ts';
import { at, got } from './checked.ts';
import type { Address, OrgRecord } from './organization.ts';

/** Fixed, so that the data never depends on the runtime's time-zone database. */
export const GENERATED_ZONES = [
  'Europe/Kyiv',
  'Europe/Berlin',
  'Europe/London',
  'Europe/Paris',
  'Europe/Warsaw',
  'Europe/Madrid',
  'Europe/Rome',
  'Europe/Amsterdam',
  'Europe/Stockholm',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Toronto',
  'America/Sao_Paulo',
  'America/Mexico_City',
  'Asia/Tokyo',
  'Asia/Singapore',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Asia/Shanghai',
  'Australia/Sydney',
  'Africa/Johannesburg',
  'Pacific/Auckland',
  'UTC',
] as const;

const COUNTRY_CODES = ['1', '44', '49', '33', '380', '48', '34', '39', '31', '46', '81', '65', '91', '61'] as const;

/** 2024-02-07T00:00:00Z: generated timestamps fall in the two years before it. */
export const REFERENCE_DATE = Date.UTC(2024, 1, 7);

/** Organizations of the skeleton that keep exactly the children the fixture gives them. */
const CLOSED_PARENTS = new Set([2, 3, 4]);

export interface GenerateOptions {
  seed: number;
  count: number;
  /** Levels allowed, counting the root as level 1. */
  maxDepth: number;
}

/**
 * Shares of generated organizations with the shapes the live service answers for fields that were
 * cleared or never filled in: `"address": null`, `"description": ""` and `"phoneNumber": ""`. A frontend
 * should meet them on the mock before production.
 */
export const EMPTY_SHAPE_SHARES = { addressNull: 0.15, descriptionEmpty: 0.1, phoneNumberEmpty: 0.1 } as const;

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

/** Variety for names drawn from the pool, so that large trees have few exact duplicates. */
const NAME_SUFFIXES = [
  '',
  '',
  '',
  'Labs',
  'Group',
  'Holdings',
  'Systems',
  'Solutions',
  'Industries',
  'Partners',
  'Services',
  'Technologies',
  'Logistics',
  'Energy',
  'Networks',
] as const;

interface Pools {
  names: string[];
  phrases: string[];
  addresses: Address[];
}

/**
 * Faker makes a few thousand realistic values once; each organization then draws from them with a
 * seeded generator. Calling faker a dozen times per organization would make a million of them take
 * minutes; this takes a second or two, and addresses are shared (records are never changed in place).
 */
function makePools(faker: Faker, count: number): Pools {
  const size = (n: number) => Math.max(1, Math.min(n, count));
  const names = Array.from({ length: size(5000) }, () => toValidName(faker.company.name()));
  const phrases = Array.from({ length: size(2000) }, () =>
    faker.company
      .catchPhrase()
      .replace(/[/\\<>]/g, ' ')
      .slice(0, 1000),
  );
  const addresses = Array.from({ length: size(2000) }, (): Address => {
    const city = faker.location.city();
    return {
      fullAddress: `${faker.location.streetAddress()}, ${city}`.slice(0, 512),
      country: faker.location.country().slice(0, 74),
      city: city.slice(0, 50),
      state: faker.location.state().slice(0, 40),
      zip: faker.location.zipCode().slice(0, 12),
    };
  });
  return { names, phrases, addresses };
}

const TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000;

export function generateOrganizations(skeleton: readonly OrgRecord[], options: GenerateOptions): OrgRecord[] {
  const faker = new Faker({ locale: [en] });
  faker.seed(options.seed);
  faker.setDefaultRefDate(REFERENCE_DATE);
  const pools = makePools(faker, options.count);
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => at(items, Math.floor(random() * items.length));

  const depth = new Map<number, number>();
  const eligibleParents: number[] = [];
  let nextId = 1;
  for (const org of skeleton) {
    const level = org.parentOrganizationId === undefined ? 1 : (depth.get(org.parentOrganizationId) ?? 1) + 1;
    depth.set(org.id, level);
    if (level < options.maxDepth && !CLOSED_PARENTS.has(org.id)) eligibleParents.push(org.id);
    nextId = Math.max(nextId, org.id + 1);
  }
  const tzById = new Map(skeleton.map((org) => [org.id, org.tz]));

  const generated: OrgRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const id = nextId++;
    const parentId = pick(eligibleParents);
    const level = (depth.get(parentId) ?? 1) + 1;
    const suffix = pick(NAME_SUFFIXES);
    const tz = random() < 0.7 ? got(tzById, parentId) : pick(GENERATED_ZONES);
    const org: OrgRecord = {
      id,
      name: toValidName(suffix ? `${pick(pools.names)} ${suffix}` : pick(pools.names)),
      description: random() < EMPTY_SHAPE_SHARES.descriptionEmpty ? '' : pick(pools.phrases),
      parentOrganizationId: parentId,
      tz,
      unitSystem: random() < 0.6 ? 'METRIC' : 'IMPERIAL',
      phoneNumber:
        random() < EMPTY_SHAPE_SHARES.phoneNumberEmpty
          ? ''
          : `+${pick(COUNTRY_CODES)}${100_000_000 + Math.floor(random() * 900_000_000)}`,
      address: random() < EMPTY_SHAPE_SHARES.addressNull ? null : pick(pools.addresses),
      lastModifiedTs: REFERENCE_DATE - Math.floor(random() * TWO_YEARS_MS),
      // Many organizations have no devices yet, so some are deletable.
      deviceCount: random() < 0.3 ? 0 : 1 + Math.floor(random() * 500),
      userCount: 1 + Math.floor(random() * 60),
    };
    generated.push(org);
    tzById.set(id, tz);
    depth.set(id, level);
    if (level < options.maxDepth) eligibleParents.push(id);
  }
  return generated;
}
