/**
 * Tokens: the static tokens of the fixture, the OAuth2 clients, and the access and refresh tokens
 * issued by the client-credentials and refresh-token grants. No HTTP here.
 */

import { type components, PERMISSIONS } from '../generated/openapi.ts';
import { messages } from './errors.ts';

export { PERMISSIONS };
export type Permission = (typeof PERMISSIONS)[number];

/** Who is calling: the token's organization and what the token may do. */
export interface Principal {
  organizationId: number;
  permissions: ReadonlySet<Permission>;
  platformApiScope: boolean;
}

export interface StaticToken {
  token: string;
  organizationId: number;
  kind: 'organization' | 'user';
  permissions?: Permission[];
  platformApiScope?: boolean;
  expired?: boolean;
}

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  organizationId: number;
  platformApiScope: boolean;
}

/** Why a token names nobody: never issued (or forgotten), or past its lifetime. */
export type TokenFailure = 'unknown' | 'expired';
export type AuthResult = { principal: Principal } | { failure: TokenFailure };

export interface TokenRequest {
  grantType?: string;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
}

/** The `error` codes of the spec's OAuthError. */
export type OAuthErrorCode = components['schemas']['OAuthError']['error'];

/** The spec's OAuth2Token, with the refresh token that the mock always issues. */
export type IssuedToken = components['schemas']['OAuth2Token'] & { refresh_token: string };

export interface OAuthFailure {
  error: OAuthErrorCode;
  description: string;
}

export interface TokenStoreOptions {
  /** Lifetime of access and refresh tokens alike: the vendor's refresh token shares the access token's lifetime. */
  ttlSeconds: number;
  /** Issued access and refresh tokens kept at most; the oldest are forgotten first. */
  maxIssued: number;
  now: () => number;
}

interface Grant {
  principal: Principal;
  clientId: string;
  expiresAt: number;
}

const ALL: ReadonlySet<Permission> = new Set(PERMISSIONS);
const PURGE_EVERY = 1024;

export class TokenStore {
  private readonly staticTokens = new Map<string, { principal: Principal; expired: boolean }>();
  private readonly clients = new Map<string, OAuthClient>();
  private readonly accessTokens = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, Grant>();
  /** Access tokens purged after they expired, so that they still answer "Token has expired.". */
  private readonly expiredTokens = new Set<string>();
  private granted = 0;

  constructor(
    staticTokens: StaticToken[],
    clients: OAuthClient[],
    private readonly options: TokenStoreOptions,
  ) {
    for (const t of staticTokens) {
      const permissions = t.kind === 'organization' ? ALL : new Set(t.permissions ?? []);
      this.staticTokens.set(t.token, {
        principal: { organizationId: t.organizationId, permissions, platformApiScope: t.platformApiScope ?? true },
        expired: t.expired ?? false,
      });
    }
    for (const c of clients) this.clients.set(c.clientId, c);
  }

  /** Who a token belongs to; reading it out of a header is the HTTP layer's business. */
  authenticate(token: string): AuthResult {
    const fixed = this.staticTokens.get(token);
    if (fixed) return fixed.expired ? { failure: 'expired' } : { principal: fixed.principal };
    const grant = this.accessTokens.get(token);
    if (!grant) return { failure: this.expiredTokens.has(token) ? 'expired' : 'unknown' };
    // Kept until the next purge, which remembers it as expired: it says so every time, not just once.
    if (grant.expiresAt <= this.options.now()) return { failure: 'expired' };
    return { principal: grant.principal };
  }

  /** The client of a token request, by its id and secret. */
  authenticateClient(request: TokenRequest): { client: OAuthClient } | OAuthFailure {
    if (!request.clientId || request.clientSecret === undefined) {
      return { error: 'invalid_request', description: messages.oauthCredentialsMissing };
    }
    const client = this.clients.get(request.clientId);
    if (!client || client.clientSecret !== request.clientSecret) {
      return { error: 'invalid_client', description: messages.oauthInvalidClient };
    }
    return { client };
  }

  /** Grants a new access and refresh token to an authenticated client. */
  issue(client: OAuthClient, request: TokenRequest): { token: IssuedToken } | OAuthFailure {
    if (!request.grantType) return { error: 'invalid_request', description: messages.oauthGrantTypeMissing };
    if (request.grantType === 'client_credentials') return { token: this.grant(client) };
    if (request.grantType !== 'refresh_token') {
      return { error: 'unsupported_grant_type', description: messages.oauthGrantTypeUnsupported };
    }
    if (!request.refreshToken) return { error: 'invalid_request', description: messages.oauthRefreshTokenMissing };
    const previous = this.refreshTokens.get(request.refreshToken);
    if (!previous || previous.clientId !== client.clientId || previous.expiresAt <= this.options.now()) {
      return { error: 'invalid_grant', description: messages.oauthRefreshTokenInvalid };
    }
    // One use only.
    this.refreshTokens.delete(request.refreshToken);
    return { token: this.grant(client) };
  }

  /** Drops expired grants; run every PURGE_EVERY grants, so that expired tokens do not wait for the size cap. */
  purgeExpired(): void {
    const now = this.options.now();
    for (const [token, grant] of this.accessTokens) {
      if (grant.expiresAt > now) continue;
      this.accessTokens.delete(token);
      this.expiredTokens.add(token);
    }
    // Bounded like the issued ones: the oldest expired tokens are forgotten first.
    for (const token of this.expiredTokens) {
      if (this.expiredTokens.size <= this.options.maxIssued) break;
      this.expiredTokens.delete(token);
    }
    for (const [token, grant] of this.refreshTokens) if (grant.expiresAt <= now) this.refreshTokens.delete(token);
  }

  get issuedCount(): number {
    return this.accessTokens.size + this.refreshTokens.size;
  }

  private grant(client: OAuthClient): IssuedToken {
    if (++this.granted % PURGE_EVERY === 0) this.purgeExpired();
    const now = this.options.now();
    const principal: Principal = {
      organizationId: client.organizationId,
      permissions: ALL,
      platformApiScope: client.platformApiScope,
    };
    const access = randomHex(24);
    const refresh = randomHex(24);
    remember(
      this.accessTokens,
      access,
      { principal, clientId: client.clientId, expiresAt: now + this.options.ttlSeconds * 1000 },
      this.options.maxIssued,
    );
    remember(
      this.refreshTokens,
      refresh,
      { principal, clientId: client.clientId, expiresAt: now + this.options.ttlSeconds * 1000 },
      this.options.maxIssued,
    );
    return { access_token: access, token_type: 'Bearer', expires_in: this.options.ttlSeconds, refresh_token: refresh };
  }
}

/** Web Crypto, so that tokens are unguessable wherever the mock runs (Node, browsers, workers). */
function randomHex(bytes: number): string {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  let hex = '';
  for (const value of values) hex += value.toString(16).padStart(2, '0');
  return hex;
}

function remember(map: Map<string, Grant>, token: string, grant: Grant, max: number): void {
  map.set(token, grant);
  // Maps iterate in insertion order, so the first keys are the oldest grants.
  for (const oldest of map.keys()) {
    if (map.size <= max) break;
    map.delete(oldest);
  }
}
