/**
 * Every error the API answers, with the exact texts. Texts marked [doc] come from the real service
 * and must not change; the rest are ours and are listed in the README. Messages that belong to a single
 * schema constraint live in openapi.yaml (`x-error-message`), not here.
 */
export const messages = {
  // [doc]
  orgNotFound: "Organization is not found or you don't have access to it.",
  orgNotFoundForDelete: (orgId: number) =>
    `Organization with identifier ${orgId} is not found or you don't have access to it.`,
  parentNotFound: "Parent organization is not found or you don't have access to it.",
  noPlatformScope: 'Platform API scope is not enabled for this oauth client.',
  // ours
  tokenMissing: 'Authorization token is missing.',
  tokenMalformed: 'Authorization header should be "Bearer <token>".',
  tokenUnknown: 'Invalid token.',
  tokenExpired: 'Token has expired.',
  permissionMissing: (permission: string) => `Permission ${permission} is required for this operation.`,
  rateLimited: (limit: number) => `Too many requests: the limit is ${limit} requests per minute per organization.`,
  depthExceeded: (maxDepth: number) =>
    `Organization hierarchy cannot be deeper than ${maxDepth} levels, counting the root.`,
  deleteOwn: 'You cannot delete your own organization.',
  deleteRoot: 'The root organization cannot be deleted.',
  deleteHasChildren: 'Organization with sub-organizations cannot be deleted.',
  deleteHasDevices: 'Organization with devices cannot be deleted.',
  organizationLimit: (limit: number) => `Organization limit of ${limit} is reached.`,
  idsExhausted: 'No organization ids are left.',
  bodyNotJson: 'Request body should be valid JSON.',
  bodyMissing: 'Request body is required.',
  bodyTooLarge: 'Request body should be at most 2 MB.',
  bodyTooLargeFor: (megabytes: number) => `Request body should be at most ${megabytes} MB.`,
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
  // OAuth2 error descriptions (RFC 6749 bodies); the invalid_client text is the vendor's [doc].
  oauthInvalidClient: 'Client ID is not found or password is wrong.',
  oauthCredentialsMissing: 'Client credentials are missing.',
  oauthGrantTypeMissing: 'Parameter grant_type is missing.',
  oauthGrantTypeUnsupported: 'Grant type should be client_credentials or refresh_token.',
  oauthRefreshTokenMissing: 'Parameter refresh_token is missing.',
  oauthRefreshTokenInvalid: 'Refresh token is invalid, used or expired.',
  methodNotAllowed: (method: string, allowed: string) => `Method ${method} is not allowed here; use ${allowed}.`,
  internal: 'Internal server error.',
  sessionIdTooLong: (max: number) => `Session id should be at most ${max} characters.`,
  bodyIncomplete: 'Request body ended before it was complete.',
  bodyStalled: (seconds: number) => `Request body stalled: nothing arrived for ${seconds} s.`,
  clientFailuresLimited: (limit: number) =>
    `Too many failed client authentications: the limit is ${limit} per minute per client id.`,
  controlOtherOrigin: 'The control plane does not answer requests from other origins.',
  controlOtherHost: 'The control plane answers only under its own host name; list other names in CONTROL_HOSTS.',
  controlTokenMissing: 'The control plane needs "Authorization: Bearer <CONTROL_TOKEN>".',
  controlTokenWrong: 'The control token is wrong.',
} as const;

/**
 * Why the domain refuses: the input breaks a rule, or what it names does not exist for the caller. The
 * domain knows no statuses; the HTTP layer maps each code to one (src/http/http-error.ts).
 */
export type RefusalCode = 'invalid' | 'not_found';

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
