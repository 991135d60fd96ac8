/**
 * Every error the API answers, with the exact texts. The texts of documented refusals come from the one
 * table, openapi.yaml's `x-refusals` (REFUSALS, generated): the spec says there which are the vendor's
 * (`x-message-source: doc`) and which are ours, and the contract runner reads the same entries. The rest
 * are ours, listed in docs/errors.md. Messages that belong to a single schema constraint live in
 * openapi.yaml too (`x-error-message`), not here.
 */
import { MAX_BODY_BYTES, REFUSALS } from '../generated/openapi.ts';

/** A template of the table with its `{name}` placeholders filled in. */
function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole));
}

const text = (key: keyof typeof REFUSALS): string => {
  const refusal: { message?: string } = REFUSALS[key];
  if (refusal.message === undefined) throw new Error(`openapi.yaml: refusal ${key} has no message.`);
  return refusal.message;
};

const bodyTooLargeFor = (megabytes: number) => `Request body should be at most ${megabytes} MB.`;

export const messages = {
  // The texts of openapi.yaml's x-refusals: the vendor's where it says x-message-source: doc.
  orgNotFound: text('getOrganization.notVisible'),
  orgNotFoundForDelete: (orgId: number) => fill(text('deleteOrganization.notVisible'), { orgId }),
  parentNotFound: text('createOrganization.parentNotVisible'),
  noPlatformScope: text('noPlatformScope'),
  tokenMissing: text('missingToken'),
  tokenMalformed: text('malformedHeader'),
  tokenUnknown: text('unknownToken'),
  permissionMissing: (permission: string) => fill(text('permissionMissing'), { permission }),
  rateLimited: (limit: number) => fill(text('rateLimited'), { limit }),
  depthExceeded: (maxDepth: number) => fill(text('createOrganization.tooDeep'), { maxDepth }),
  deleteOwn: text('deleteOrganization.ownOrganization'),
  deleteHasChildren: text('deleteOrganization.hasChildren'),
  deleteHasDevices: text('deleteOrganization.hasDevices'),
  oauthInvalidClient: text('issueToken.unknownClient'),
  oauthRefreshTokenInvalid: text('issueToken.usedRefreshToken'),
  oauthParameterRepeated: (name: string) => fill(text('issueToken.repeatedParameter'), { name }),
  oauthSeveralMethods: text('issueToken.severalMethods'),
  clientFailuresLimited: (limit: number) => fill(text('issueToken.failuresLimited'), { limit }),
  // ours
  tokenExpired: 'Token has expired.',
  deleteRoot: 'The root organization cannot be deleted.',
  organizationLimit: (limit: number) => `Organization limit of ${limit} is reached.`,
  idsExhausted: 'No organization ids are left.',
  /** The limit of openapi.yaml's x-max-body-bytes, in MB. */
  bodyTooLarge: bodyTooLargeFor(MAX_BODY_BYTES / (1024 * 1024)),
  bodyTooLargeFor,
  bodyNotJson: 'Request body should be valid JSON.',
  bodyMissing: 'Request body is required.',
  importInvalid: (why: string) => `Imported state is invalid: ${why}.`,
  contentTypeUnsupported: 'Content-Type should be application/json.',
  fieldRequired: (field: string) => `Field ${field} is required.`,
  parameterRequired: (parameter: string) => `Parameter ${parameter} is required.`,
  resourceNotFound: 'Resource not found.',
  resourceNotFoundHint: (hint: string) => `Resource not found. Did you mean ${hint}?`,
  ignoredField: (field: string, operationId: string) => `Field ${field} is ignored by ${operationId}.`,
  ignoredFieldMeant: (field: string, operationId: string, meant: string) =>
    `Field ${field} is ignored by ${operationId}; did you mean ${meant}?`,
  ignoredFieldInQuery: (field: string, operationId: string) =>
    `Field ${field} is ignored by ${operationId}; ${field} travels in the query string.`,
  ignoredFieldsMore: (count: number, operationId: string) => `${count} more fields are ignored by ${operationId}.`,
  preferInvalid: (possible: string) =>
    `Header Prefer should be code=<status> and/or delay=<milliseconds from 0 to 60000>; this operation documents code=${possible}.`,
  // OAuth2 error descriptions (RFC 6749 bodies).
  oauthCredentialsMissing: 'Client credentials are missing.',
  oauthGrantTypeMissing: 'Parameter grant_type is missing.',
  oauthGrantTypeUnsupported: 'Grant type should be client_credentials or refresh_token.',
  oauthRefreshTokenMissing: 'Parameter refresh_token is missing.',
  methodNotAllowed: (method: string, allowed: string) => `Method ${method} is not allowed here; use ${allowed}.`,
  internal: 'Internal server error.',
  sessionIdTooLong: (max: number) => `Session id should be at most ${max} characters.`,
  bodyIncomplete: 'Request body ended before it was complete.',
  bodyStalled: (seconds: number) => `Request body stalled: nothing arrived for ${seconds} s.`,
  controlOtherOrigin: 'The control plane does not answer requests from other origins.',
  controlOtherHost: 'The control plane answers only under its own host name; list other names in CONTROL_HOSTS.',
  controlTokenMissing: 'The control plane needs "Authorization: Bearer <CONTROL_TOKEN>".',
  controlTokenWrong: 'The control token is wrong.',
  sessionHeaderRepeated:
    'Header X-Mock-Session should be sent once, with an id without commas (repeated headers arrive joined by commas).',
  sessionEvicted: (at: string, why: string) =>
    `This session was evicted at ${at} (${why}); its changes are lost. Start it again with POST /_mock/reset and this X-Mock-Session, or use a new session id.`,
  sessionEvictedMemory: (mb: number) => `the sessions' memory passed SESSION_MEMORY_MB=${mb}`,
  sessionEvictedCount: (max: number) => `more than MAX_SESSIONS=${max} sessions were open`,
  sessionEvictedIdle: (seconds: number) => `it was idle for more than SESSION_IDLE_SECONDS=${seconds}`,
  sessionImportNoRoom: (neededKb: number, freeKb: number, limitMb: number) =>
    `This import needs about ${neededKb} KB of session memory and ${freeKb} KB of SESSION_MEMORY_MB=${limitMb} is free (other sessions' changes are never evicted for an import). Reset sessions, raise SESSION_MEMORY_MB, or import without X-Mock-Session.`,
} as const;

/**
 * Why the domain refuses: the input breaks a rule, what it names does not exist for the caller, it
 * would push out other sessions' changes (conflict), or the session's state was dropped (gone). The
 * domain knows no statuses; the HTTP layer maps each code to one (src/http/http-error.ts).
 */
export type RefusalCode = 'invalid' | 'not_found' | 'conflict' | 'gone';

/** A refusal of the domain (or of the spec's rules), with the catalogue's message. */
export class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export const invalidInput = (message: string) => new Refusal('invalid', message);
export const notFound = (message: string) => new Refusal('not_found', message);
export const conflict = (message: string) => new Refusal('conflict', message);
export const gone = (message: string) => new Refusal('gone', message);
