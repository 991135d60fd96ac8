/**
 * The only way the runner writes. A create counts as the run's own only once verified: a GET after it
 * shows the run's name under the parent it asked for, on an id nobody saw before the create. Updates and
 * deletes go only to such ids; the first update is a probe that is harmless even on a server that
 * ignores `orgId`. Clean-up confirms every delete with a GET that answers 404.
 */
import { type Exchange, type OutgoingRequest, type TargetClient, type WriteGuard, WriteRefused } from './client.ts';
import type { ContractSpec } from './contract-spec.ts';
import { fieldsOf } from './json.ts';
import type { Finding } from './model.ts';

export interface OwnOrganization {
  id: number;
  name: string;
  parentId: number;
}

export interface Leftover {
  id: number;
  name: string;
  why: string;
}

export const WRITES_VERIFIED = 'writes_verified';

export class Sandbox implements WriteGuard {
  /** Every organization id seen in an answer before the run's creates: never a target. */
  readonly seenIds = new Set<number>();
  readonly owned = new Map<number, OwnOrganization>();
  /** Organizations of the run that could not be verified: reported, never touched. */
  readonly unverified = new Map<number, Leftover>();
  readonly findings: Finding[] = [];
  /** Set when the update probe showed the server renames something else: no more updates. */
  updatesUnsafe: string | undefined;
  /** Set when the token may not create (403): write checks are skipped with this reason. */
  cannotCreate: string | undefined;
  /** Organizations of the run that another token (one a client was issued) created. */
  private readonly byOtherToken = new Set<number>();
  /**
   * Set when the run's creates cannot be verified (the first create, or any that answers an id that
   * existed before): write checks are skipped with this reason, and writes_verified carries the cause.
   */
  createsUnverified: string | undefined;
  /** Ids seen before the run's first create: an organization of that id is never the run's. */
  private before: Set<number> | undefined;
  /** Names of creates answered 2xx that could not be verified: clean-up looks for what they left. */
  private readonly unverifiedNames = new Set<string>();
  private probed = false;
  /** Organizations of the run whose write was answered with a redirect: clean-up does not resend to them. */
  private readonly redirected = new Map<number, string>();
  private verifiedOnce = false;
  private counter = 0;

  constructor(
    private readonly client: TargetClient,
    private readonly spec: ContractSpec,
    private readonly token: string,
    readonly namePrefix: string,
    private readonly ownOrganization: { id: number; name: string },
  ) {
    client.onExchange = (exchange) => this.observe(exchange);
    client.writeGuard = this;
  }

  /**
   * The client's last word before a PUT or DELETE leaves: only to an organization the run created and
   * verified. The one exception: a PUT without `orgId` (documented to edit the token's own organization)
   * whose body changes nothing wherever it lands: no JSON object at all (a refusal probe), or only the
   * name that organization has.
   */
  beforeWrite(request: OutgoingRequest): void {
    const raw = request.query?.orgId;
    if (raw === undefined && request.method === 'PUT' && this.leavesOwnAsItIs(request.body)) return;
    this.assertWritable(raw === undefined || !/^\d+$/.test(raw) ? Number.NaN : Number(raw), request.method);
  }

  private leavesOwnAsItIs(body: unknown): boolean {
    let value = body;
    if (typeof body === 'string')
      try {
        value = JSON.parse(body);
      } catch {
        return true; // not JSON: nothing a server could apply
      }
    const fields = fieldsOf(value);
    return fields === undefined || (Object.keys(fields).join() === 'name' && fields.name === this.ownOrganization.name);
  }

  /** Refuses (throws WriteRefused) a write to any id but one the run created and verified. */
  assertWritable(orgId: number, what = 'write to'): void {
    if (!this.owned.has(orgId))
      throw new WriteRefused(
        `The runner refuses to ${what} organization ${Number.isNaN(orgId) ? '(no orgId)' : orgId}: the run did not create and verify it.`,
      );
  }

  afterWrite(exchange: Exchange): void {
    const orgId = Number(exchange.request.query?.orgId);
    if (exchange.transport?.kind === 'redirect') {
      // The server wants writes elsewhere: none is resent, and no further update is sent at all.
      const what = `${exchange.request.method} orgId=${exchange.request.query?.orgId ?? '(none)'} ${exchange.transport.detail}`;
      if (Number.isInteger(orgId)) this.redirected.set(orgId, what);
      this.updatesUnsafe ??= `updates are not sent: ${what}`;
      return;
    }
    if (Number.isInteger(orgId)) this.verifyAnswerId(orgId, exchange);
  }

  /**
   * A write's answer names the organization written: another id means the server wrote elsewhere, so no
   * further update is sent. Returns whether the answer is consistent with the target.
   */
  verifyAnswerId(expected: number, exchange: Exchange): boolean {
    const { status } = exchange.response;
    const id = fieldsOf(exchange.response.body)?.id;
    if (exchange.transport || status < 200 || status >= 300 || id === undefined || id === expected) return true;
    this.updatesUnsafe ??= `updates are not sent: ${exchange.request.method} orgId=${expected} answered organization ${String(id)}`;
    this.finding({
      operation: exchange.request.operationId,
      expected: `the answer to ${exchange.request.method} orgId=${expected} is organization ${expected}`,
      actual: `it answered organization ${JSON.stringify(id)}; the run sends no further update`,
      specLocation: this.spec.operationPointer(exchange.request.operationId),
      exchange,
    });
    return false;
  }

  /** A fresh name of this run: the prefix, a label, a counter; at most 100 characters. */
  name(label: string): string {
    return `${this.namePrefix} ${label} ${++this.counter}`.slice(0, 100);
  }

  private get auth(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}` };
  }

  private observe(exchange: Exchange): void {
    if (exchange.request.operationId === 'createOrganization' && exchange.response.status < 300) return;
    const body = fieldsOf(exchange.response.body);
    const content = body?.content;
    for (const org of [body, ...(Array.isArray(content) ? content : [])]) {
      const id = fieldsOf(org)?.id;
      if (typeof id === 'number' && !this.owned.has(id)) this.seenIds.add(id);
    }
  }

  private finding(f: Omit<Finding, 'check' | 'severity'>): void {
    this.findings.push({ check: WRITES_VERIFIED, severity: 'contract', ...f });
  }

  /** Why the run sends no create (checks that need one skip with it), if it sends none. */
  get writesUnavailable(): string | undefined {
    return this.cannotCreate ?? this.createsUnverified;
  }

  /**
   * Creates an organization of the run (any body; the name given is the one verified) under `parentId`.
   * Resolves to the exchange and, when verified, the new id; `unverified` when the server answered 2xx
   * but the create could not be verified (a writes_verified failure, not the calling check's).
   */
  async create(
    body: unknown,
    parentId: number,
    expectedName?: string,
    /** Another token's (e.g. one a client was issued); the verifying GET is the run's own. */
    headers?: Record<string, string>,
  ): Promise<{ exchange: Exchange; id?: number; unverified?: true }> {
    const op = this.spec.op('createOrganization');
    this.before ??= new Set(this.seenIds);
    const exchange = await this.client.send({
      operationId: op.operationId,
      method: 'POST',
      path: op.path,
      headers: headers ?? this.auth,
      body,
    });
    const { status } = exchange.response;
    // Organizations another token created do not show that this one may create.
    if (status === 403 && headers === undefined && [...this.owned.keys()].every((k) => this.byOtherToken.has(k)))
      this.cannotCreate = `the token may not create organizations (403 ${exchange.response.text.slice(0, 120)})`;
    const id = fieldsOf(exchange.response.body)?.id;
    if (status < 200 || status >= 300 || typeof id !== 'number') return { exchange };
    const pointer = this.spec.operationPointer('createOrganization');
    const given = fieldsOf(body)?.name;
    const name = expectedName ?? (typeof given === 'string' ? given.trim() : String(given));
    const firstCreate = this.owned.size === 0 && !this.verifiedOnce;
    if (this.seenIds.has(id) || this.owned.has(id) || id === this.ownOrganization.id) {
      this.finding({
        operation: 'createOrganization',
        expected: 'a create answers the id of a new organization',
        actual: `it answered id ${id}, an organization that existed before; the run will not touch it`,
        specLocation: pointer,
        exchange,
      });
      // Whatever this create made (if anything) has an id the run does not know: clean-up looks for the name.
      this.unverifiedNames.add(name);
      this.createsUnverified ??= `the run's creates could not be verified (a create answered id ${id}, an organization that existed before; see writes_verified)`;
      return { exchange, unverified: true };
    }
    const check = await this.client.send(this.getRequest(id));
    const org = fieldsOf(check.response.body);
    if (check.response.status === 200 && org?.name === name && org.parentOrganizationId === parentId) {
      this.owned.set(id, { id, name, parentId });
      if (headers !== undefined) this.byOtherToken.add(id);
      this.verifiedOnce = true;
      return { exchange, id };
    }
    const shown =
      check.response.status === 200
        ? `"${String(org?.name)}" under ${String(org?.parentOrganizationId)}`
        : `status ${check.response.status}`;
    this.finding({
      operation: 'createOrganization',
      expected: `GET orgId=${id} after the create shows "${name}" under ${parentId}`,
      actual: `it shows ${shown}; the run will not touch id ${id}`,
      specLocation: pointer,
      exchange: check,
    });
    // A new id answered to the run's create is the run's doing: listed (by id and name), never touched.
    if (!this.before.has(id) && id !== this.ownOrganization.id)
      this.unverified.set(id, {
        id,
        name: typeof org?.name === 'string' ? org.name : name,
        why: `created by the run but not verified (${shown}); not touched`,
      });
    if (firstCreate)
      this.createsUnverified ??= `the run's creates could not be verified (GET orgId=${id} after the first create shows ${shown}; see writes_verified)`;
    return { exchange, unverified: true };
  }

  getRequest(id: number) {
    const op = this.spec.op('getOrganization');
    return {
      operationId: op.operationId,
      method: 'GET',
      path: op.path,
      query: { orgId: String(id) },
      headers: this.auth,
    };
  }
  private updateRequest(id: number, body: unknown, headers: Record<string, string>) {
    const op = this.spec.op('updateOrganization');
    return { operationId: op.operationId, method: 'PUT', path: op.path, query: { orgId: String(id) }, headers, body };
  }

  /** Sends an update of an organization the run owns; refuses (throws) for any other id. */
  async update(id: number, body: unknown, headers: Record<string, string> = this.auth): Promise<Exchange | string> {
    this.assertOwned(id, 'update');
    if (!this.probed && !this.updatesUnsafe) await this.probeUpdates();
    if (this.updatesUnsafe) return this.updatesUnsafe;
    const exchange = await this.client.send(this.updateRequest(id, body, headers));
    const name = fieldsOf(body)?.name;
    const own = this.owned.get(id);
    if (exchange.response.status === 200 && typeof name === 'string' && own) own.name = name.trim();
    return exchange;
  }

  /**
   * Before the first update: a fresh organization of the run is renamed to the token's organization's own
   * name. A server that ignores `orgId` then renames the token's organization to the name it already has,
   * and the run learns it without harm. Until a probe succeeds, no update is sent.
   */
  private async probeUpdates(): Promise<void> {
    const { id } = await this.create(
      { name: this.name('Update probe'), parentId: this.ownOrganization.id },
      this.ownOrganization.id,
    );
    if (id === undefined) {
      this.updatesUnsafe = 'updates are not sent: no organization of the run to probe them on';
      return;
    }
    // The token's organization as it is before the probe: a server that ignores orgId would change it.
    const ownBefore = await this.client.send(this.getRequest(this.ownOrganization.id));
    const exchange = await this.client.send(this.updateRequest(id, { name: this.ownOrganization.name }, this.auth));
    if (exchange.response.status !== 200) {
      this.updatesUnsafe = `updates are not sent: the harmless probe (renaming organization ${id} of the run to "${this.ownOrganization.name}") answered ${exchange.response.status}`;
      return;
    }
    const after = await this.client.send(this.getRequest(id));
    const name = fieldsOf(after.response.body)?.name;
    const own = this.owned.get(id);
    // The probe's organization is the run's own: create() has just verified it.
    if (name === this.ownOrganization.name && own) {
      own.name = this.ownOrganization.name;
      this.probed = true;
      return;
    }
    this.updatesUnsafe = `updates are not sent: PUT orgId=${id} answered 200 but organization ${id} kept its name`;
    this.finding({
      operation: 'updateOrganization',
      expected: `PUT orgId=${id} renames organization ${id}`,
      actual: `organization ${id} still shows "${String(name)}": the update went elsewhere (orgId ignored?)`,
      specLocation: this.spec.operationPointer('updateOrganization'),
      exchange,
    });
    await this.reportOwnOrganizationTouched(ownBefore, exchange);
  }

  /** After a probe whose update went elsewhere: says so if it was the token's organization that changed. */
  private async reportOwnOrganizationTouched(before: Exchange, probe: Exchange): Promise<void> {
    const ownId = this.ownOrganization.id;
    const after = await this.client.send(this.getRequest(ownId));
    const [was, is] = [fieldsOf(before.response.body), fieldsOf(after.response.body)];
    if (before.response.status !== 200 || after.response.status !== 200 || !was || !is) return;
    const changed = [...new Set([...Object.keys(was), ...Object.keys(is)])].filter(
      (key) => JSON.stringify(was[key]) !== JSON.stringify(is[key]),
    );
    if (changed.length === 0) return;
    const what = changed.map((key) => `${key} ${JSON.stringify(was[key])} → ${JSON.stringify(is[key])}`).join(', ');
    this.finding({
      operation: 'updateOrganization',
      expected: `the probe's PUT orgId=${String(probe.request.query?.orgId)} leaves the token's organization ${ownId} as it was`,
      actual: `organization ${ownId} (the token's own, "${this.ownOrganization.name}") was modified by the probe: ${what}${changed.includes('name') ? '' : ' (its name is unchanged)'}`,
      specLocation: this.spec.operationPointer('updateOrganization'),
      exchange: after,
    });
  }

  /** Sends a delete of an organization the run owns; refuses (throws) for any other id. */
  async delete(id: number, headers: Record<string, string> = this.auth): Promise<Exchange> {
    this.assertOwned(id, 'delete');
    const op = this.spec.op('deleteOrganization');
    return this.client.send({
      operationId: op.operationId,
      method: 'DELETE',
      path: op.path,
      query: { orgId: String(id) },
      headers,
    });
  }

  /** Deletes and confirms with GET → 404; only then is the organization no longer the run's. */
  async deleteConfirmed(id: number): Promise<{ removed: boolean; exchange: Exchange }> {
    const exchange = await this.delete(id);
    const check = await this.client.send(this.getRequest(id));
    if (check.response.status === 404) {
      this.owned.delete(id);
      return { removed: true, exchange };
    }
    return { removed: false, exchange };
  }

  owns(id: number): boolean {
    return this.owned.has(id);
  }

  private assertOwned(id: number, what: string): void {
    this.assertWritable(id, what);
  }

  /** Removes every organization of the run, children first, each confirmed by GET → 404. */
  async cleanUp(): Promise<{ removed: Array<{ id: number; name: string }>; leftover: Leftover[] }> {
    const removed: Array<{ id: number; name: string }> = [];
    const failed = new Map<number, string>();
    for (let pass = 0; pass < 3 && this.owned.size > 0; pass++) {
      const depth = (org: OwnOrganization): number => {
        const parent = this.owned.get(org.parentId);
        return parent ? 1 + depth(parent) : 0;
      };
      const order = [...this.owned.values()].sort((a, b) => depth(b) - depth(a) || b.id - a.id);
      for (const org of order) {
        const redirect = this.redirected.get(org.id);
        if (redirect) {
          failed.set(org.id, `${redirect}; not resent`);
          continue;
        }
        try {
          const { removed: gone, exchange } = await this.deleteConfirmed(org.id);
          if (gone) {
            removed.push({ id: org.id, name: org.name });
            failed.delete(org.id);
          } else failed.set(org.id, `DELETE answered ${exchange.response.status} but GET does not answer 404`);
        } catch (error) {
          failed.set(org.id, error instanceof Error ? error.message : String(error));
          break;
        }
      }
    }
    const leftover: Leftover[] = [...this.owned.values()].map((org) => ({
      id: org.id,
      name: org.name,
      why: failed.get(org.id) ?? 'not removed',
    }));
    // Whatever else carries the run's name, or the name of a create whose answer could not be verified, and
    // did not exist before the run, was created by it but never verified: listed, never touched.
    const names = [this.namePrefix, ...[...this.unverifiedNames].filter((n) => !n.includes(this.namePrefix))];
    for (const query of names) {
      try {
        const op = this.spec.op('searchOrganizations');
        const found = await this.client.send({
          operationId: op.operationId,
          method: 'GET',
          path: op.path,
          query: { query, size: '1000' },
          headers: this.auth,
        });
        const content = fieldsOf(found.response.body)?.content;
        for (const org of Array.isArray(content) ? content : []) {
          const { id, name } = fieldsOf(org) ?? {};
          if (
            typeof id === 'number' &&
            typeof name === 'string' &&
            (query === this.namePrefix ? name.includes(query) : name === query) &&
            !this.before?.has(id) &&
            id !== this.ownOrganization.id &&
            !leftover.some((l) => l.id === id) &&
            !this.unverified.has(id)
          ) {
            this.unverified.set(id, {
              id,
              name,
              why:
                query === this.namePrefix
                  ? "carries the run's name but was never verified as its own; not touched"
                  : `has the name of a create of the run whose answer could not be verified, and did not exist before the run; not touched`,
            });
          }
        }
      } catch {
        // The listing is a courtesy; what is known is reported below.
      }
    }
    return { removed, leftover: [...leftover, ...this.unverified.values()] };
  }

  /** What is left behind right now (for a second Ctrl-C). */
  leftovers(): Leftover[] {
    return [
      ...[...this.owned.values()].map((o) => ({ id: o.id, name: o.name, why: 'clean-up did not finish' })),
      ...this.unverified.values(),
    ];
  }
}
