/** Broken servers: refused writes with side effects, deletion rules and access scoping. */
import { type BlindVariant, blind, type Call, error, orgById, ROOT_TOKEN, read, respond, searchAll } from './kit.ts';

const body = (call: Call): Record<string, any> =>
  call.json && typeof call.json === 'object' && !Array.isArray(call.json) ? call.json : {};
const notVisible = "Organization is not found or you don't have access to it.";

export const WRITES_AND_ACCESS: BlindVariant[] = [
  {
    name: 'update-refused-404-applied-anyway',
    fact: '§4 Anything outside the token’s subtree answers as if it did not exist; here the 404 update by another branch’s token still renames.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (call.op === 'update' && response.status === 404 && call.token !== ROOT_TOKEN && call.orgId !== undefined)
        await kit.next({ headers: { authorization: `Bearer ${ROOT_TOKEN}` } });
      return response;
    }),
  },
  {
    name: 'update-refused-400-applied-anyway',
    fact: '§3 A name with a forbidden character is refused with 400; here the refusal is answered but the name is stored without the bad characters.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      const name = body(call).name;
      if (call.op === 'update' && response.status === 400 && typeof name === 'string') {
        const cleaned = name.replace(/[^\p{L}\p{N} .'-]/gu, '').trim();
        if (cleaned.length >= 3 && cleaned.length <= 100) await kit.next({ body: { name: cleaned } });
      }
      return response;
    }),
  },
  {
    name: 'delete-refused-404-applied-anyway',
    fact: '§4 Anything outside the token’s subtree answers as if it did not exist; here another branch’s 404 delete still deletes.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (call.op === 'delete' && response.status === 404 && call.token && call.token !== ROOT_TOKEN)
        await kit.next({ headers: { authorization: `Bearer ${ROOT_TOKEN}` } });
      return response;
    }),
  },
  {
    name: 'delete-unauthenticated-applied-anyway',
    fact: '§1/§5 Every operation needs a valid Bearer token; here a delete without one answers 401 but deletes.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (call.op === 'delete' && response.status === 401 && call.orgId !== undefined)
        await kit.next({ headers: { authorization: `Bearer ${ROOT_TOKEN}` } });
      return response;
    }),
  },
  {
    name: 'delete-with-children-refused-but-children-deleted',
    fact: '§4 Delete of an organization with sub-organizations is refused with 400; here the 400 comes after its childless children are deleted.',
    wrap: blind(() => async (call, kit) => {
      if (call.op !== 'delete' || call.orgId === undefined) return kit.next();
      const response = await kit.next();
      if (response.status !== 400) return response;
      const all = await searchAll(kit, ROOT_TOKEN, { query: '', sortBy: 'Organization Id', sortOrder: 'ASC' });
      for (const child of all.items.filter((o) => o.parentOrganizationId === call.orgId))
        await kit.direct('DELETE', `/api/v1/organization?orgId=${child.id}`);
      return response;
    }),
  },
  {
    name: 'create-refused-400-created-anyway',
    fact: '§3 A create with an invalid field is refused with 400; here the 400 is answered but the organization is made from its valid fields.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      const b = body(call);
      if (call.op === 'create' && response.status === 400 && typeof b.name === 'string') {
        const name = b.name.trim();
        if (/^[\p{L}\p{N} .'-]{3,100}$/u.test(name))
          await kit.next({ body: { name, ...(typeof b.parentId === 'number' ? { parentId: b.parentId } : {}) } });
      }
      return response;
    }),
  },
  {
    name: 'create-missing-parent-404-created-anyway',
    fact: '§3 A parent that does not exist gives 404; here the 404 is answered and the organization is made under the token’s own.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (call.op === 'create' && response.status === 404) {
        const { parentId: _p, ...rest } = body(call);
        await kit.next({ body: rest });
      }
      return response;
    }),
  },
  {
    name: 'create-outside-subtree-allowed',
    fact: '§3 A parent outside the token’s subtree gives 404; here a non-root token may create under any existing organization.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (call.op === 'create' && response.status === 404 && call.token && call.token !== ROOT_TOKEN) {
        const parentId = body(call).parentId;
        if (typeof parentId === 'number' && (await orgById(kit, parentId)))
          return kit.next({ headers: { authorization: `Bearer ${ROOT_TOKEN}` } });
      }
      return response;
    }),
  },
  {
    name: 'update-outside-subtree-403',
    fact: '§4 Outside the subtree answers exactly as if it did not exist: 404, never 403; here update answers 403.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (
        call.op === 'update' &&
        response.status === 404 &&
        call.orgId !== undefined &&
        (await orgById(kit, call.orgId))
      )
        return error(403, 'You have no access to this organization.');
      return response;
    }),
  },
  {
    name: 'get-ancestor-visible',
    fact: '§4 A token sees its organization and descendants only; here get answers 200 for the token’s ancestors.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (call.op !== 'get' || response.status !== 404 || call.orgId === undefined || !call.token) return response;
      let cursor = (await kit.direct('GET', '/api/v1/organization/profile', { token: call.token })).body;
      while (cursor?.parentOrganizationId !== undefined) {
        cursor = await orgById(kit, cursor.parentOrganizationId);
        if (cursor?.id === call.orgId) return respond(200, cursor, response.headers);
      }
      return response;
    }),
  },
  {
    name: 'get-sibling-branch-visible',
    fact: '§4 A token sees its organization and descendants only; here get answers 200 with the data of any existing organization.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (call.op !== 'get' || response.status !== 404 || call.orgId === undefined) return response;
      const org = await orgById(kit, call.orgId);
      return org ? respond(200, org, response.headers) : response;
    }),
  },
  {
    name: 'profile-answers-parent',
    fact: '§1 Profile answers the token’s own organization; here a token of a child organization gets its parent.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (call.op !== 'profile' || response.status !== 200) return response;
      const a = await read(response);
      const parent =
        a.body.parentOrganizationId !== undefined ? await orgById(kit, a.body.parentOrganizationId) : undefined;
      return respond(200, parent ?? a.body, a.headers);
    }),
  },
  {
    name: 'get-deep-answers-parent',
    fact: '§1 get answers the organization named by orgId; here an organization three levels below the root answers its parent’s data.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (call.op !== 'get' || response.status !== 200) return response;
      const a = await read(response);
      const parent =
        a.body.parentOrganizationId !== undefined ? await orgById(kit, a.body.parentOrganizationId) : undefined;
      const deep = parent && parent.parentOrganizationId !== undefined;
      return respond(200, deep ? parent : a.body, a.headers);
    }),
  },
  {
    name: 'delete-204-with-body',
    fact: '§1 Delete answers 204 with no body; here the 204 carries a JSON body.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (call.op !== 'delete' || response.status !== 204) return response;
      // A Response cannot be built with 204 and a body; the status is set on a 200 with one.
      const fake = new Response('{"deleted":true}', { status: 200, headers: { 'content-type': 'application/json' } });
      Object.defineProperty(fake, 'status', { value: 204 });
      return fake;
    }),
  },
  {
    name: 'deleted-still-readable',
    fact: '§4 A deleted organization is gone; here get keeps answering 200 with its last state (a soft delete).',
    wrap: blind(() => {
      const gone = new Map<number, any>();
      return async (call, kit) => {
        if (call.op === 'delete' && call.orgId !== undefined) {
          const old = await kit.direct('GET', `/api/v1/organization?orgId=${call.orgId}`, {
            token: call.token ?? null,
          });
          const response = await kit.next();
          if (response.status === 204 && old.status === 200) gone.set(call.orgId, old.body);
          return response;
        }
        const response = await kit.next();
        if (call.op === 'get' && response.status === 404 && call.orgId !== undefined && gone.has(call.orgId))
          return respond(200, gone.get(call.orgId));
        return response;
      };
    }),
  },
  {
    name: 'delete-unknown-answers-204',
    fact: '§1/§7 Delete of an organization that does not exist is 404 with its message; here it answers 204.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (
        call.op === 'delete' &&
        response.status === 404 &&
        call.orgId !== undefined &&
        !(await orgById(kit, call.orgId))
      )
        return new Response(null, { status: 204 });
      return response;
    }),
  },
  {
    name: 'delete-404-with-get-message',
    fact: '§7 Delete’s 404 says "Organization with identifier {orgId} is not found…"; here it uses get’s text.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      return call.op === 'delete' && response.status === 404 ? error(404, notVisible, response.headers) : response;
    }),
  },
  {
    name: 'delete-cascades-children',
    fact: '§4 Delete of an organization with sub-organizations is refused with 400; here it deletes it and its childless children.',
    wrap: blind(() => async (call, kit) => {
      if (call.op !== 'delete' || call.orgId === undefined) return kit.next();
      const response = await kit.next();
      if (response.status !== 400) return response;
      const all = await searchAll(kit, ROOT_TOKEN, { query: '', sortBy: 'Organization Id', sortOrder: 'ASC' });
      const children = all.items.filter((o) => o.parentOrganizationId === call.orgId);
      for (const child of children) await kit.direct('DELETE', `/api/v1/organization?orgId=${child.id}`);
      const again = await kit.next();
      return again.status === 204 ? again : response;
    }),
  },
];
