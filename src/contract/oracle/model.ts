/**
 * The runner's model of the contract: the organizations the token sees, as the run observed them at the
 * start (every page of an empty-query search) and as its own accepted writes changed them, plus the rules
 * of openapi.yaml that say what a server does with them (matching, sorting, paging, defaults, depth).
 * Independent of the mock's code: it reads openapi.yaml and its `x-` extensions only.
 */
import type { ContractSpec } from '../contract-spec.ts';
import { fieldsOf, stringAt, stringsOf } from '../json.ts';

/** An organization as the contract shows it: the fields of the Organization schema. */
export type ModelOrg = Record<string, unknown> & { id: number; name: string };

/** The rules the model reads from openapi.yaml, once. */
export interface ModelRules {
  match: { field: string; caseInsensitive: boolean; emptyMatchesAll: boolean };
  sortValues: string[];
  defaultSortBy: string;
  /** sortBy value → the response field it sorts by (`x-sort-keys`); the others the model cannot see. */
  sortKeys: Record<string, string>;
  /** How ties sort, where the spec states it (`x-ties`). */
  ties?: { by: string; order: string };
  defaultSize: number;
  maxSize: number;
  maxQuery: number;
  maxDepth?: number;
  /** The optional fields an organization always carries, and the value of one never set (the live answers). */
  neverSet: Record<string, unknown>;
  /** The fields a create takes whose default is the parent's (`tz`, `unitSystem`). */
  inherited: string[];
  /** The Address fields a body may set. */
  addressFields: string[];
  trimName: boolean;
  /** `""` for an optional create field means "not given" (`x-empty-is-unset`). */
  emptyIsUnset: boolean;
  maxBodyBytes?: number;
}

export function readRules(spec: ContractSpec): ModelRules {
  const search = spec.op('searchOrganizations');
  const param = (name: string) => search.parameters.find((p) => p.name === name);
  const match = fieldsOf(param('query')?.['x-match']);
  const sortBy = param('sortBy')?.schema;
  const ties = fieldsOf(sortBy?.['x-ties']);
  const create = spec.bodySchema('createOrganization');
  const address = create?.properties?.address;
  const depth = spec.rawOperation('createOrganization')['x-max-depth'];
  const limit = spec.doc.raw['x-max-body-bytes'];
  return {
    match: {
      field: stringAt(match, 'field') ?? 'name',
      caseInsensitive: Boolean(match?.caseInsensitive ?? true),
      emptyMatchesAll: Boolean(match?.emptyMatchesAll ?? true),
    },
    sortValues: (sortBy?.enum ?? []).map(String),
    defaultSortBy: String(sortBy?.default ?? sortBy?.enum?.[0] ?? ''),
    sortKeys: stringsOf(sortBy?.['x-sort-keys']) ?? {},
    ties: ties ? { by: String(ties.by), order: String(ties.order) } : undefined,
    defaultSize: Number(param('size')?.schema.default ?? 50),
    maxSize: Number(param('size')?.schema.maximum ?? 1000),
    maxQuery: Number(param('query')?.schema.maxLength ?? 255),
    maxDepth: typeof depth === 'number' ? depth : undefined,
    // The reference: never-set optional fields are answered as the live service answers them.
    neverSet: { description: '', phoneNumber: '', address: null },
    inherited: ['tz', 'unitSystem'].filter((k) => create?.properties?.[k]),
    addressFields: Object.keys(address?.properties ?? {}),
    trimName: Boolean(create?.properties?.name?.['x-trim']),
    emptyIsUnset: Boolean(create?.['x-empty-is-unset']),
    maxBodyBytes: typeof limit === 'number' ? limit : undefined,
  };
}

export class ContractModel {
  readonly rules: ModelRules;
  /** The organizations the token sees, by id. */
  readonly orgs = new Map<number, ModelOrg>();
  /** Every id any answer of the run showed: a create's new id is none of them. */
  readonly seen = new Set<number>();
  /** Ids of organizations that were deleted: never visible again, never reused. */
  readonly deleted = new Set<number>();
  /** The token's organization. */
  rootId = 0;
  /** Set once the inventory saw every page: only then are absences (404, totals) predicted. */
  complete = false;
  /** Why the model no longer knows the whole set (a write whose effect it cannot tell), if so. */
  uncertain: string | undefined;

  constructor(spec: ContractSpec) {
    this.rules = readRules(spec);
  }

  /** Whether absences and totals can be predicted. */
  get whole(): boolean {
    return this.complete && this.uncertain === undefined;
  }

  load(orgs: ModelOrg[], rootId: number, complete: boolean): void {
    this.rootId = rootId;
    for (const org of orgs) {
      this.orgs.set(org.id, { ...org });
      this.seen.add(org.id);
    }
    this.complete = complete && this.orgs.has(rootId);
  }

  lose(why: string): void {
    this.uncertain ??= why;
  }

  children(id: number): number[] {
    return [...this.orgs.values()].filter((o) => o.parentOrganizationId === id).map((o) => o.id);
  }

  /** The organization and all its descendants in the model. */
  subtree(id: number): Set<number> {
    const out = new Set<number>();
    if (!this.orgs.has(id)) return out;
    const stack = [id];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      out.add(next);
      stack.push(...this.children(next));
    }
    return out;
  }

  /**
   * The level of an organization counting the root as 1: exact when its chain reaches the root in the
   * model, else the least it can be (an organization whose parent the token cannot see is at least level 2).
   */
  depth(id: number): { level: number; exact: boolean } {
    let level = 1;
    for (let org = this.orgs.get(id); org && level < 1000; level++) {
      if (org.parentOrganizationId === undefined || org.parentOrganizationId === null) return { level, exact: true };
      const parent = this.orgs.get(Number(org.parentOrganizationId));
      if (!parent) return { level: level + 1, exact: false };
      org = parent;
    }
    return { level, exact: false };
  }

  matches(org: ModelOrg, query: string): boolean {
    const { field, caseInsensitive, emptyMatchesAll } = this.rules.match;
    if (query === '') return emptyMatchesAll;
    const value = String(org[field] ?? '');
    return caseInsensitive ? value.toLowerCase().includes(query.toLowerCase()) : value.includes(query);
  }

  /** The organizations of a view that match a query, by id ascending. */
  matching(view: Set<number>, query: string): ModelOrg[] {
    return [...view]
      .map((id) => this.orgs.get(id))
      .filter((o): o is ModelOrg => o !== undefined && this.matches(o, query))
      .sort((a, b) => a.id - b.id);
  }

  /**
   * The exact order for a sortBy whose key the model knows exactly (ids, direct sub-organization counts
   * are not documented, so only `Organization Id`), else undefined.
   */
  exactOrder(orgs: ModelOrg[], sortBy: string, order: string): ModelOrg[] | undefined {
    if (this.rules.sortKeys[sortBy] !== 'id') return undefined;
    const sorted = [...orgs].sort((a, b) => a.id - b.id);
    return order === 'DESC' ? sorted.reverse() : sorted;
  }

  create(org: ModelOrg): void {
    this.orgs.set(org.id, org);
    this.seen.add(org.id);
  }

  update(org: ModelOrg): void {
    this.orgs.set(org.id, org);
  }

  remove(id: number): void {
    this.orgs.delete(id);
    this.deleted.add(id);
  }
}
