/**
 * The misbehaviours of the hostile-server suite, as `Misbehave` functions for `hostileServer`: redirected
 * writes, echoed credentials, bad bodies on a chosen request, and a server that dies mid-run.
 */
import type { ServerResponse } from 'node:http';
import type { Misbehave, Seen } from './proxy.ts';

/** The organization the redirects point at: one that exists before the run, which the run never created. */
export const FOREIGN_ORG = 3;

const isWrite = (s: Seen) => s.method === 'PUT' || s.method === 'DELETE';

/** Where a redirect points: its status (307 or 308, both keep the method) and origin ('' for this server). */
export interface Redirect {
  status: number;
  origin: string;
}

/**
 * The first PUT and the first DELETE are answered with a redirect to orgId=3, as given for the method (a
 * relative Location when the origin is ''). `redirected` collects what was redirected.
 */
export function redirectWrites(to: { PUT: Redirect; DELETE: Redirect }, redirected: Seen[]): Misbehave {
  const done = new Set<string>();
  return (seen, res) => {
    if (!isWrite(seen) || seen.orgId === FOREIGN_ORG || done.has(seen.method)) return false;
    done.add(seen.method);
    redirected.push(seen);
    const { status, origin } = to[seen.method as 'PUT' | 'DELETE'];
    res.writeHead(status, { location: `${origin}${seen.pathname}?orgId=${FOREIGN_ORG}`, 'content-length': '0' });
    res.end();
    return true;
  };
}

/** A set-up call: the client-credentials token request, or the profile of the token's organization. */
export function isSetUp(seen: Seen): boolean {
  if (seen.pathname === '/api/v1/organization/profile') return true;
  if (seen.pathname !== '/oauth2/token') return false;
  const form = new URLSearchParams(seen.body);
  return (seen.query.get('grant_type') ?? form.get('grant_type')) === 'client_credentials';
}

/**
 * Set-up calls answer 500 with everything secret they can find: the Authorization header (in the body and
 * in a header), the request's query and form, and for the token request the mock's real answer, whose
 * access and refresh tokens work.
 */
export function echoCredentials(): Misbehave {
  return async (seen, res, forward) => {
    if (!isSetUp(seen)) return false;
    const issued = seen.pathname === '/oauth2/token' ? await (await forward()).json() : undefined;
    const authorization = String(seen.headers.authorization ?? '');
    const body = JSON.stringify({
      error: { message: `Internal error while handling Authorization: ${authorization}` },
      request: { authorization, query: seen.url, form: seen.body },
      issued,
    });
    res.writeHead(500, {
      'content-type': 'application/json',
      'x-echo-authorization': authorization,
      'www-authenticate': `Bearer realm="${authorization}"`,
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(body);
    return true;
  };
}

/** The first request that `pick` selects is answered by `answer`; `bad` receives it. */
export function onFirst(pick: (seen: Seen) => boolean, answer: (res: ServerResponse) => void, bad: Seen[]): Misbehave {
  return (seen, res) => {
    if (bad.length > 0 || !pick(seen)) return false;
    bad.push(seen);
    answer(res);
    return true;
  };
}

/** The server dies (stops listening and cuts every connection) when `when` first holds of a request. */
export function diesWhen(when: (seen: Seen) => boolean, die: () => void): Misbehave {
  let dead = false;
  return (seen, res) => {
    if (!dead && !when(seen)) return false;
    dead = true;
    res.destroy();
    die();
    return true;
  };
}
