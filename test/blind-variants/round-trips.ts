/** Broken servers: round trips of every field on create and update, and values echoed versus stored. */
import {
  answers,
  type BlindVariant,
  blind,
  type Call,
  eachOrg,
  error,
  isOrgOp,
  type Kit,
  orgById,
  read,
  respond,
} from './kit.ts';

const isCreate = (call: Call) => call.op === 'create';
const body = (call: Call): Record<string, any> =>
  call.json && typeof call.json === 'object' && !Array.isArray(call.json) ? call.json : {};

/**
 * A create stored with a changed body, only where the body sent was valid: the mock first stores it as sent
 * (so invalid input is still refused as it should be), then the kit replaces it by one made from the changed
 * body, and answers that. `nth` counts the successful creates.
 */
const createWith = (change: (b: Record<string, any>, nth: number) => Record<string, any> | undefined) =>
  blind(() => {
    let nth = 0;
    return async (call, kit) => {
      if (!isCreate(call)) return kit.next();
      const response = await kit.next();
      if (response.status !== 201) return response;
      const changed = change({ ...body(call) }, ++nth);
      if (!changed) return response;
      const first = await read(response);
      await kit.direct('DELETE', `/api/v1/organization?orgId=${first.body.id}`);
      return kit.next({ body: changed });
    };
  });

/** Answers that show the organizations the run created (or changed) with some fields rewritten. */
function rewriteReads(
  track: 'create' | 'update',
  rewrite: (org: any, sent: Record<string, any>) => any,
  ops: Array<Call['op']> = ['get', 'search', 'profile'],
) {
  return blind(() => {
    const sentBy = new Map<number, Record<string, any>>();
    return async (call: Call, kit: Kit) => {
      const response = await kit.next();
      if (call.op === track && (response.status === 201 || response.status === 200)) {
        const a = await read(response);
        sentBy.set(a.body.id, body(call));
        return respond(a.status, a.body, a.headers);
      }
      if (!ops.includes(call.op) || sentBy.size === 0 || response.status !== 200) return response;
      const a = await read(response);
      const out = eachOrg(a.body, (o) => (sentBy.has(o.id) ? rewrite(o, sentBy.get(o.id)!) : o));
      return respond(200, out, a.headers);
    };
  });
}

const withoutKey = (o: any, key: string) => {
  const { [key]: _gone, ...rest } = o;
  return rest;
};

export const ROUND_TRIPS: BlindVariant[] = [
  {
    name: 'create-drops-tz',
    fact: '§2/§3 Create: tz sent is the organization’s tz; here it is ignored and the parent’s tz is stored and answered.',
    wrap: createWith((b) => ('tz' in b ? withoutKey(b, 'tz') : undefined)),
  },
  {
    name: 'create-echoes-tz-but-stores-parents',
    fact: '§2/§3 Create: tz sent is stored; here the create answer echoes it but get and search show the parent’s tz.',
    wrap: blind(() => async (call, kit) => {
      if (!isCreate(call) || typeof body(call).tz !== 'string') return kit.next();
      const response = await kit.next();
      if (response.status !== 201) return response;
      const first = await read(response);
      await kit.direct('DELETE', `/api/v1/organization?orgId=${first.body.id}`);
      const a = await read(await kit.next({ body: withoutKey(body(call), 'tz') }));
      return respond(a.status, a.status === 201 ? { ...a.body, tz: body(call).tz } : a.body, a.headers);
    }),
  },
  {
    name: 'create-ignores-unit-system',
    fact: '§2/§3 Create: unitSystem IMPERIAL or METRIC is stored as sent; here it is ignored (the parent’s is used).',
    wrap: createWith((b) => ('unitSystem' in b ? withoutKey(b, 'unitSystem') : undefined)),
  },
  {
    name: 'reads-phone-without-separators',
    fact: '§2 phoneNumber is stored as sent; here get and search answer a created organization’s number without spaces, dots, hyphens or parentheses.',
    wrap: rewriteReads('create', (o) =>
      typeof o.phoneNumber === 'string' ? { ...o, phoneNumber: o.phoneNumber.replace(/[\s().-]/g, '') } : o,
    ),
  },
  {
    name: 'create-truncates-zip-to-5',
    fact: '§2 Address: zip up to 12 characters; here a longer zip is stored and answered cut to 5.',
    wrap: createWith((b) =>
      typeof b.address?.zip === 'string' && b.address.zip.length > 5
        ? { ...b, address: { ...b.address, zip: b.address.zip.slice(0, 5) } }
        : undefined,
    ),
  },
  {
    name: 'create-drops-address-state',
    fact: '§2 Address: state is one of its fields; here a created organization’s address loses its state.',
    wrap: createWith((b) =>
      typeof b.address?.state === 'string' && b.address.state !== ''
        ? { ...b, address: withoutKey(b.address, 'state') }
        : undefined,
    ),
  },
  {
    name: 'address-answered-not-stored',
    fact: '§2 Organization.address is stored; here the create answer echoes it but get and search answer address null.',
    wrap: rewriteReads('create', (o) => (o.address ? { ...o, address: null } : o)),
  },
  {
    name: 'create-truncates-description-to-255',
    fact: '§3 Create: description up to 1000 characters; here it is stored and answered cut to 255.',
    wrap: createWith((b) =>
      typeof b.description === 'string' && b.description.length > 255
        ? { ...b, description: b.description.slice(0, 255) }
        : undefined,
    ),
  },
  {
    name: 'create-description-of-1000-refused',
    fact: '§3 Create: description at most 1000 characters; here exactly 1000 is refused with 400.',
    wrap: blind(
      () => (call, kit) =>
        isCreate(call) && typeof body(call).description === 'string' && body(call).description.length === 1000
          ? error(400, 'Description should be at most 999 symbols.')
          : kit.next(),
    ),
  },
  {
    name: 'unset-description-left-out',
    fact: '§2 An optional field never set is answered as "description": "", never left out; here organizations created without one omit the key.',
    wrap: blind(() => {
      const bare = new Set<number>();
      return async (call, kit) => {
        const response = await kit.next();
        if (!isOrgOp(call.op) || response.status >= 300) return response;
        const a = await read(response);
        if (call.op === 'create' && !body(call).description) bare.add(a.body.id);
        const out = eachOrg(a.body, (o) => (bare.has(o.id) && o.description === '' ? withoutKey(o, 'description') : o));
        return respond(a.status, out, a.headers);
      };
    }),
  },
  {
    name: 'create-answer-omits-default-parent',
    fact: '§2/§3 parentOrganizationId is absent only on the root; here a create under the token’s own organization answers none.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (!isCreate(call) || response.status !== 201) return response;
      const a = await read(response);
      const own = await kit.direct('GET', '/api/v1/organization/profile', { token: call.token ?? null });
      const underOwn = own.status === 200 && a.body.parentOrganizationId === own.body.id;
      return respond(201, underOwn ? withoutKey(a.body, 'parentOrganizationId') : a.body, a.headers);
    }),
  },
  {
    name: 'create-ignores-parent-id',
    fact: '§3 Create: parentId names the parent; here it is ignored and the organization is made under the token’s own.',
    wrap: createWith((b) => (b.parentId != null ? withoutKey(b, 'parentId') : undefined)),
  },
  {
    name: 'create-lastmodified-half-an-hour-early',
    fact: '§2 lastModifiedTs is the time of the last change; here the create answer says half an hour before the request.',
    wrap: answers(isCreate, (a) =>
      a.status === 201
        ? respond(201, { ...a.body, lastModifiedTs: a.body.lastModifiedTs - 1_800_000 }, a.headers)
        : undefined,
    ),
  },
  {
    name: 'created-lastmodified-year-2100',
    fact: '§2 lastModifiedTs is the time of the last change in epoch ms; here created organizations read back with 2100-01-01.',
    wrap: rewriteReads('create', (o) => ({ ...o, lastModifiedTs: 4_102_444_800_000 })),
  },
  {
    name: 'update-keeps-lastmodified',
    fact: '§3 A successful update sets a new lastModifiedTs; here the answer and later reads keep the old one.',
    wrap: blind(() => {
      const frozen = new Map<number, number>();
      return async (call, kit) => {
        if (call.op === 'update' && call.orgId !== undefined && !frozen.has(call.orgId)) {
          const old = await orgById(kit, call.orgId);
          if (old) frozen.set(call.orgId, old.lastModifiedTs);
        }
        const response = await kit.next();
        if (!isOrgOp(call.op) || response.status >= 300 || frozen.size === 0) return response;
        const a = await read(response);
        const out = eachOrg(a.body, (o) => (frozen.has(o.id) ? { ...o, lastModifiedTs: frozen.get(o.id) } : o));
        return respond(a.status, out, a.headers);
      };
    }),
  },
  {
    name: 'update-answers-old-name',
    fact: '§3 Update answers the organization as renamed; here the 200 answer still carries the old name.',
    wrap: blind(() => async (call, kit) => {
      if (call.op !== 'update' || call.orgId === undefined) return kit.next();
      const old = await orgById(kit, call.orgId);
      const a = await read(await kit.next());
      if (a.status !== 200 || !old) return respond(a.status, a.text, a.headers);
      return respond(200, { ...a.body, name: old.name }, a.headers);
    }),
  },
  {
    name: 'update-not-persisted',
    fact: '§3 Update renames the organization; here the answer shows the new name but nothing is stored.',
    wrap: blind(() => async (call, kit) => {
      if (call.op !== 'update' || call.orgId === undefined || typeof body(call).name !== 'string') return kit.next();
      const old = await orgById(kit, call.orgId);
      const a = await read(await kit.next());
      if (a.status !== 200 || !old) return respond(a.status, a.text, a.headers);
      // Put the old name back: the answer alone carries the new one.
      await kit.direct('PUT', `/api/v1/organization?orgId=${call.orgId}`, { body: { name: old.name } });
      return respond(200, a.body, a.headers);
    }),
  },
  {
    name: 'update-truncates-name-to-50',
    fact: '§3 Names are 3 to 100 characters; here an update stores and answers only the first 50.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      const name = body(call).name;
      if (call.op !== 'update' || response.status !== 200 || typeof name !== 'string' || name.trim().length <= 50)
        return response;
      return kit.next({ body: { name: name.trim().slice(0, 50).trim() } });
    }),
  },
  {
    name: 'update-replaces-whole-entity',
    fact: '§3 Update body is {name}: the other fields stay; here the answer and later reads lose description, phoneNumber and address.',
    wrap: rewriteReads('update', (o) => ({ ...o, description: '', phoneNumber: '', address: null }), [
      'get',
      'search',
      'update',
    ]),
  },
  {
    name: 'update-resets-tz-to-utc',
    fact: '§3 Update changes the name only; here it also resets tz to UTC (in its answer and later reads).',
    wrap: rewriteReads('update', (o) => ({ ...o, tz: 'UTC' }), ['get', 'search', 'update']),
  },
  {
    name: 'names-with-apostrophe-html-escaped',
    fact: "§3 Names may contain apostrophes; here every answer renders ' in a name as &#39;.",
    wrap: answers(
      (call) => isOrgOp(call.op),
      (a) =>
        a.status < 300 && a.text.includes("'")
          ? respond(
              a.status,
              eachOrg(a.body, (o) => ({ ...o, name: String(o.name).replaceAll("'", '&#39;') })),
              a.headers,
            )
          : undefined,
    ),
  },
  {
    name: 'created-non-ascii-names-mangled',
    fact: '§3 Names are letters of any script; here names the run creates with non-ASCII letters read back with ? for each.',
    wrap: rewriteReads('create', (o) => ({ ...o, name: String(o.name).replace(/[^\p{ASCII}]/gu, '?') }), [
      'get',
      'search',
      'create',
    ]),
  },
  {
    name: 'third-create-lowercases-name',
    fact: '§3 Create stores the name given; here the third create of a run stores and answers it in lower case.',
    wrap: createWith((b, nth) =>
      nth === 3 && typeof b.name === 'string' ? { ...b, name: b.name.toLowerCase() } : undefined,
    ),
  },
  {
    name: 'create-etc-gmt-and-alias-refused',
    fact: '§3 tz: links and aliases such as Etc/GMT+5 and Europe/Kiev are accepted; here they are refused with 400.',
    wrap: blind(
      () => (call, kit) =>
        call.op === 'create' &&
        typeof body(call).tz === 'string' &&
        /^(Etc\/|Europe\/Kiev$|US\/|Asia\/Calcutta$)/.test(body(call).tz)
          ? error(400, 'Time zone should be an IANA time zone name.')
          : kit.next(),
    ),
  },
  {
    name: 'name-of-100-refused',
    fact: '§3 name: 3 to 100 characters; here a name of exactly 100 is refused with 400 on create and update.',
    wrap: blind(
      () => (call, kit) =>
        (call.op === 'create' || call.op === 'update') &&
        typeof body(call).name === 'string' &&
        body(call).name.trim().length === 100
          ? error(400, 'Organization name should be from 3 to 100 symbols.')
          : kit.next(),
    ),
  },
  {
    name: 'create-empty-phone-refused',
    fact: '§3 phoneNumber: "" is allowed (it clears the number); here a create with "" is refused with 400.',
    wrap: blind(
      () => (call, kit) =>
        call.op === 'create' && body(call).phoneNumber === ''
          ? error(400, 'Phone number should start with +.')
          : kit.next(),
    ),
  },
  {
    name: 'second-create-answers-previous-id',
    fact: '§2/§4 Each organization has its own id; here every create after the first answers the previous create’s id.',
    wrap: blind(() => {
      let previous: number | undefined;
      return async (call, kit) => {
        const response = await kit.next();
        if (!isCreate(call) || response.status !== 201) return response;
        const a = await read(response);
        const answered = previous === undefined ? a.body : { ...a.body, id: previous };
        previous = a.body.id;
        return respond(201, answered, a.headers);
      };
    }),
  },
];
