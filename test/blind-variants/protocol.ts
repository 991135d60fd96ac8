/** Broken servers: status codes, headers, bodies without Content-Type, and implausible values. */
import { answers, type BlindVariant, blind, eachOrg, error, isOrgOp, orgById, read, respond } from './kit.ts';

export const PROTOCOL: BlindVariant[] = [
  {
    name: 'create-answers-200',
    fact: '§1 Create answers 201; here it answers 200.',
    wrap: answers(
      (call) => call.op === 'create',
      (a) => (a.status === 201 ? respond(200, a.body, a.headers) : undefined),
    ),
  },
  {
    name: 'get-unknown-id-400',
    fact: '§1/§7 get of an organization that does not exist is 404 "Organization is not found…"; here a valid unknown id is 400.',
    wrap: answers(
      (call) => call.op === 'get',
      async (a, call, kit) =>
        a.status === 404 && call.orgId !== undefined && !(await orgById(kit, call.orgId))
          ? error(400, 'Organization id is invalid.', a.headers)
          : undefined,
    ),
  },
  {
    name: 'body-without-content-type-415',
    fact: '§3 Bodies: an absent Content-Type is treated as JSON; here create and update without one answer 415.',
    wrap: blind(
      () => (call, kit) =>
        (call.op === 'create' || call.op === 'update') && call.bodyText !== '' && !call.header('content-type')
          ? error(415, 'Content-Type should be application/json.')
          : kit.next(),
    ),
  },
  {
    name: 'search-content-type-text-plain',
    fact: '§1 search answers a JSON SearchResult; here it is labelled Content-Type text/plain.',
    wrap: answers(
      (call) => call.op === 'search',
      (a) =>
        a.status === 200 ? respond(200, a.text, a.headers, { 'content-type': 'text/plain;charset=UTF-8' }) : undefined,
    ),
  },
  {
    name: 'errors-as-text-html',
    fact: '§2 Error bodies come with Content-Type application/json; here 4xx errors of the API are labelled text/html.',
    wrap: answers(
      (call) => isOrgOp(call.op) || call.op === 'delete',
      (a) =>
        a.status >= 400 && a.status < 500
          ? respond(a.status, a.text, a.headers, { 'content-type': 'text/html' })
          : undefined,
    ),
  },
  {
    name: 'search-page-2-lastmodified-seconds',
    fact: '§2 lastModifiedTs is epoch milliseconds; here page 2 of a search (only) answers it in seconds.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (call.op !== 'search' || call.search.page !== 2 || response.status !== 200) return response;
      const a = await read(response);
      return respond(
        200,
        eachOrg(a.body, (o) => ({ ...o, lastModifiedTs: Math.floor(o.lastModifiedTs / 1000) })),
        a.headers,
      );
    }),
  },
  {
    name: 'update-lastmodified-three-hours-ahead',
    fact: '§2/§3 lastModifiedTs of an update is the time of the change; here the answer and later reads are 3 hours ahead.',
    wrap: blind(() => {
      const ahead = new Set<number>();
      return async (call, kit) => {
        const response = await kit.next();
        if (call.op === 'update' && response.status === 200) {
          const a = await read(response);
          ahead.add(a.body.id);
          return respond(200, { ...a.body, lastModifiedTs: a.body.lastModifiedTs + 3 * 3_600_000 }, a.headers);
        }
        if (!isOrgOp(call.op) || response.status !== 200 || ahead.size === 0) return response;
        const a = await read(response);
        const out = eachOrg(a.body, (o) =>
          ahead.has(o.id) ? { ...o, lastModifiedTs: o.lastModifiedTs + 10_800_000 } : o,
        );
        return respond(200, out, a.headers);
      };
    }),
  },
];
