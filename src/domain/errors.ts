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
  nameAlphabet: 'Organization name may contain only letters, digits, spaces, dots, hyphens and apostrophes.',
  timeZoneInvalid: 'Time zone should be a valid IANA time zone name.',
  depthExceeded: (maxDepth: number) =>
    `Organization hierarchy cannot be deeper than ${maxDepth} levels below the root.`,
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
  fieldInvalid: (field: string) => `Field ${field} is invalid.`,
  resourceNotFound: 'Resource not found.',
  methodNotAllowed: (method: string, allowed: string) => `Method ${method} is not allowed here; use ${allowed}.`,
  internal: 'Internal server error.',
  sessionIdTooLong: (max: number) => `Session id should be at most ${max} characters.`,
  bodyIncomplete: 'Request body ended before it was complete.',
  clientFailuresLimited: (limit: number) =>
    `Too many failed client authentications: the limit is ${limit} per minute per client id.`,
  controlOtherOrigin: 'The control plane does not answer requests from other origins.',
  controlOtherHost: 'The control plane answers only under its own host name; list other names in CONTROL_HOSTS.',
  controlTokenMissing: 'The control plane needs "Authorization: Bearer <CONTROL_TOKEN>".',
  controlTokenWrong: 'The control token is wrong.',
} as const;

export type ApiStatus = 400 | 401 | 403 | 404 | 405 | 413 | 429 | 500;

/** A refusal that the HTTP layer turns into the Error body with this status. */
export class ApiError extends Error {
  constructor(
    readonly status: ApiStatus,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string) => new ApiError(400, message);
export const notFound = (message: string) => new ApiError(404, message);
