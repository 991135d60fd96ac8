// Generated from openapi.yaml by `npm run generate:types`; do not edit.
export interface paths {
    "/api/v1/organization/profile": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization of the token */
        get: operations["getCurrentOrganization"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/organization/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search the organizations visible to the token
         * @description Case-insensitive substring match on `name` over the token's organization and all its
         *     descendants. Ties sort by id ascending. A page past the end returns an empty `content`
         *     with the true `totalElements`.
         */
        get: operations["searchOrganizations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/organization": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One organization of the token's subtree */
        get: operations["getOrganization"];
        /**
         * Rename an organization
         * @description Without `orgId`, the token's own organization is renamed. Fields other than `name` are ignored
         *     (the mock's log line and journal entry name them). A successful update sets a new `lastModifiedTs`.
         */
        put: operations["updateOrganization"];
        post?: never;
        /**
         * Delete an organization
         * @description Refused with 400 for the token's own organization, the root, an organization that still has
         *     sub-organizations, and one that still has devices.
         */
        delete: operations["deleteOrganization"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/organization/create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create an organization
         * @description Without `parentId`, the new organization is a child of the token's organization. `null` for an
         *     optional field means "not given". Fields the operation does not take (such as `parentOrganizationId`
         *     where `parentId` was meant) are ignored, as the real service ignores them; the mock's log line and
         *     journal entry name them. The hierarchy is at most `x-max-depth` levels deep, counting the root as
         *     level 1: creating below the deepest level is refused with 400.
         */
        post: operations["createOrganization"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth2/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issue an access token (client credentials or refresh token grant)
         * @description The client authenticates with HTTP Basic `client_id:client_secret`; `client_id` and
         *     `client_secret` as query or form parameters are accepted too (less secure). Parameters may
         *     travel in the query string or in an `application/x-www-form-urlencoded` body.
         */
        post: operations["issueToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_mock/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and a few numbers */
        get: operations["mockHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_mock/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Back to the seeded state
         * @description Resets the organization tree and the rate-limit counters to the seeded state. With
         *     `X-Mock-Session`, only that session is reset; with `?all=true`, the default state and every session.
         *     Issued tokens stay valid.
         */
        post: operations["mockReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_mock/state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Export the whole organization tree (of the session, with X-Mock-Session) */
        get: operations["mockExportState"];
        /** Replace the organization tree (of the session, with X-Mock-Session) by an exported one */
        put: operations["mockImportState"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_mock/journal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The last requests (not those of the control plane) */
        get: operations["mockJournal"];
        put?: never;
        post?: never;
        /** Forget the journal */
        delete: operations["mockClearJournal"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/_mock/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Runtime settings */
        get: operations["mockGetConfig"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change latency, fault rate, fault seed or rate limit at run time */
        patch: operations["mockUpdateConfig"];
        trace?: never;
    };
    "/_mock/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The static tokens and OAuth clients of the fixture */
        get: operations["mockTokens"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** Format: int32 */
        OrgId: number;
        Organization: {
            /**
             * Format: int32
             * @description Organization unique identifier
             * @example 1
             */
            id: number;
            /**
             * @description Organization name
             * @example Acme Corp
             */
            name: string;
            /**
             * @description Organization description; `""` when never set (never left out), as on the live service.
             * @example A test organization
             */
            description?: string;
            /**
             * Format: int32
             * @description Parent organization ID (for hierarchical structure); absent on the root.
             * @example 1
             */
            parentOrganizationId?: number;
            /**
             * @description A timezone, associated with the organization
             * @example Europe/Kyiv
             */
            tz: string;
            /**
             * @description Unit system used in the organization.
             * @enum {string}
             */
            unitSystem?: "IMPERIAL" | "METRIC";
            /**
             * @description Phone number, associated with the organization; `""` when never set (never left out), as on the live service.
             * @example +11234567890
             */
            phoneNumber?: string;
            address?: components["schemas"]["Address"];
            /**
             * Format: int64
             * @description Timestamp, indicating the time, when the organization was modified last time (Unix epoch milliseconds)
             * @example 1707244800000
             */
            lastModifiedTs: number;
        };
        /** @description A postal address. Live responses have been seen with `"address": null`, so it is nullable; an Organization without one answers `null` (never leaves it out). */
        Address: {
            fullAddress?: string;
            country?: string;
            city?: string;
            state?: string;
            zip?: string;
        } | null;
        /**
         * @description Organization name. Only letters (any script), digits, spaces, dots, hyphens, and apostrophes are
         *     allowed. Leading and trailing white space is trimmed before checking and storing.
         * @example Acme Corp
         */
        OrganizationName: string;
        OrganizationCreate: {
            name: components["schemas"]["OrganizationName"];
            /**
             * @description Organization description. Cannot contain slashes, backslashes, < or >. `""` is allowed.
             * @example A test organization
             */
            description?: string | null;
            /**
             * Format: iana-time-zone
             * @description Organization timezone in the IANA Time Zone Database (TZDB) format, zones and links alike (`Europe/Kyiv`, `CET`, `EST5EDT`). Default (also for `null` and `""`) is the parent's.
             * @example Europe/Kyiv
             */
            tz?: string | null;
            /**
             * Format: int32
             * @description Parent organization ID (optional). If none is specified, the organization is created as a child of the organization associated with the authentication token.
             * @example 1
             */
            parentId?: number | null;
            /**
             * @description Organization phone number: `+` first (the vendor's rule), then at most 20 digits, spaces, hyphens, dots
             *     and parentheses, the first a digit. `""` is allowed and stored as it is.
             * @example +11234567890
             */
            phoneNumber?: string | null;
            /**
             * @description Unit system used in the organization. Default (also for `null` and `""`) is the parent's.
             * @enum {string|null}
             */
            unitSystem?: "IMPERIAL" | "METRIC" | null;
            address?: components["schemas"]["Address"];
        };
        OrganizationUpdate: {
            name: components["schemas"]["OrganizationName"];
        };
        SearchResult: {
            content: components["schemas"]["Organization"][];
            /**
             * Format: int64
             * @description Total amount of organizations, available to fetch.
             * @example 1
             */
            totalElements: number;
        };
        Error: {
            error: {
                message: string;
            };
        };
        OAuth2Token: {
            access_token: string;
            /** @enum {string} */
            token_type: "Bearer";
            /** Format: int32 */
            expires_in: number;
            refresh_token?: string | null;
        };
        OAuthError: {
            /**
             * @description RFC 6749 §5.2's codes; `temporarily_unavailable` (429) and `server_error` (500) are its §4.1.2.1 codes,
             *     which the mock uses for the refusals that §5.2 has no code for [ours].
             * @enum {string}
             */
            error: "invalid_request" | "invalid_client" | "invalid_grant" | "unauthorized_client" | "unsupported_grant_type" | "temporarily_unavailable" | "server_error";
            error_description: string;
        };
        MockHealth: {
            /** @enum {string} */
            status: "ok";
            organizations: number;
            sessions: number;
            uptimeSeconds: number;
        };
        MockReset: {
            session?: string;
            organizations: number;
        };
        MockSnapshot: {
            /** @enum {string} */
            format: "orgs-mock/state@1";
            nextOrganizationId?: number;
            organizations: {
                id: number;
                name: string;
                description?: string;
                parentOrganizationId?: number;
                tz: string;
                /** @enum {string} */
                unitSystem?: "IMPERIAL" | "METRIC";
                phoneNumber?: string;
                address?: components["schemas"]["Address"];
                lastModifiedTs: number;
                deviceCount?: number;
                userCount?: number;
            }[];
        };
        MockJournal: {
            capacity: number;
            entries: {
                /** Format: date-time */
                time: string;
                method: string;
                path: string;
                status: number;
                ms: number;
                session?: string;
                /** @description Slips the mock noticed, such as body fields the operation ignores, with the field probably meant. */
                warnings?: string[];
                /**
                 * @description Not a request but something the mock did: `session evicted: <why>` (with method `EVICT`,
                 *     status 410, the session and the time it was dropped).
                 */
                event?: string;
            }[];
        };
        MockConfig: {
            latencyMs: {
                min: number;
                max: number;
            };
            faultRate: number;
            faultSeed: number;
            rateLimitPerMinute: number;
        };
        MockConfigUpdate: {
            latencyMs?: {
                min: number;
                max: number;
            };
            faultRate?: number;
            faultSeed?: number;
            rateLimitPerMinute?: number;
        };
        MockTokens: {
            tokens: {
                token: string;
                organizationId: number;
                /** @enum {string} */
                kind: "organization" | "user";
                permissions?: string[];
                platformApiScope?: boolean;
                expired?: boolean;
            }[];
            clients: {
                clientId: string;
                clientSecret: string;
                organizationId: number;
                platformApiScope: boolean;
            }[];
        };
    };
    responses: {
        /** @description Some of the validations have not been passed. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "message": "Organization name should be from 3 to 100 symbols."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Unauthorized - Invalid or missing token */
        Unauthorized: {
            headers: {
                /**
                 * @description An RFC 6750 challenge in RFC 7235 syntax (quoted strings, `\"` escaped): `Bearer realm="Platform API"`
                 *     when no token was sent; with `error="invalid_token"` and an `error_description` when a token was sent
                 *     but is bad. The realm is `x-realm` of the `bearerAuth` scheme.
                 */
                "WWW-Authenticate": string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "message": "Invalid token."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Forbidden */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "message": "Platform API scope is not enabled for this oauth client."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Organization not found or access denied */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "message": "Organization is not found or you don't have access to it."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /**
         * @description The request body is larger than the vendor's limit (`x-max-body-bytes`, 2 MB). The vendor gives the
         *     limit, not a status: 413 is ours, and a real server that refuses otherwise is a fidelity finding.
         */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "message": "Request body should be at most 2 MB."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Too many requests - Rate limit exceeded */
        TooManyRequests: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "message": "Too many requests: the limit is 10000 requests per minute per organization."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Internal server error */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "message": "Internal server error."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /**
         * @description An isolated state, per id: an overlay of the session's own changes over the shared seeded state (at
         *     most 200 characters, without commas; longer ids, and repeated headers, which arrive joined by commas,
         *     are refused with 400). An evicted session is refused with 410 until it is reset.
         */
        MockSession: string;
        /**
         * @description Organization ID
         * @example 1
         */
        RequiredOrgId: components["schemas"]["OrgId"];
    };
    requestBodies: never;
    headers: {
        /** @description Seconds until the rate-limit window resets. */
        RetryAfter: number;
        /** @description RFC 6749 §5.1, on every answer of the token endpoint. */
        TokenCacheControl: "no-store";
        /** @description RFC 6749 §5.1, on every answer of the token endpoint. */
        TokenPragma: "no-cache";
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getCurrentOrganization: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Organization details */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Organization"];
                };
            };
            /** @description Only from orgs-mock, never from the real service, for a `Prefer` header it cannot honour, or an X-Mock-Session it refuses. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /**
             * @description Only from orgs-mock, never from the real service: this `X-Mock-Session` was evicted with its
             *     changes (a session bound was passed; the message names it). Answered until the session is reset
             *     (`POST /_mock/reset` with the header) or replaced by an import; or use a new session id.
             */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "This session was evicted at 2026-01-01T12:00:00.000Z (the sessions' memory passed SESSION_MEMORY_MB=256); its changes are lost. Start it again with POST /_mock/reset and this X-Mock-Session, or use a new session id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    searchOrganizations: {
        parameters: {
            query: {
                /**
                 * @description Search query string, matched case-insensitively as a substring of `name`; empty (`query=`) matches all.
                 * @example Acme
                 */
                query: string;
                /** @description Field to sort by */
                sortBy?: "Organization Id" | "Name" | "Device Count" | "User Count" | "Sub Organizations";
                /** @description Sort order */
                sortOrder?: "ASC" | "DESC";
                /** @description Page number (0-indexed) */
                page?: number;
                /** @description Page size (max 1000) */
                size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Search results */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "content": [
                     *         {
                     *           "id": 1,
                     *           "name": "Acme Corp",
                     *           "description": "A test organization",
                     *           "tz": "Europe/Kyiv",
                     *           "unitSystem": "METRIC",
                     *           "phoneNumber": "+11234567890",
                     *           "lastModifiedTs": 1707244800000
                     *         }
                     *       ],
                     *       "totalElements": 1
                     *     }
                     */
                    "application/json": components["schemas"]["SearchResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /**
             * @description Only from orgs-mock, never from the real service: this `X-Mock-Session` was evicted with its
             *     changes (a session bound was passed; the message names it). Answered until the session is reset
             *     (`POST /_mock/reset` with the header) or replaced by an import; or use a new session id.
             */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "This session was evicted at 2026-01-01T12:00:00.000Z (the sessions' memory passed SESSION_MEMORY_MB=256); its changes are lost. Start it again with POST /_mock/reset and this X-Mock-Session, or use a new session id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    getOrganization: {
        parameters: {
            query: {
                /**
                 * @description Organization ID
                 * @example 1
                 */
                orgId: components["parameters"]["RequiredOrgId"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Organization details */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Organization"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /**
             * @description Only from orgs-mock, never from the real service: this `X-Mock-Session` was evicted with its
             *     changes (a session bound was passed; the message names it). Answered until the session is reset
             *     (`POST /_mock/reset` with the header) or replaced by an import; or use a new session id.
             */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "This session was evicted at 2026-01-01T12:00:00.000Z (the sessions' memory passed SESSION_MEMORY_MB=256); its changes are lost. Start it again with POST /_mock/reset and this X-Mock-Session, or use a new session id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    updateOrganization: {
        parameters: {
            query?: {
                /**
                 * @description Organization ID (optional). If none is specified, the organization associated with the authentication token is being edited.
                 * @example 3
                 */
                orgId?: components["schemas"]["OrgId"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "New Organization Name"
                 *     }
                 */
                "application/json": components["schemas"]["OrganizationUpdate"];
            };
        };
        responses: {
            /** @description Organization updated successfully */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Organization"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /**
             * @description Only from orgs-mock, never from the real service: this `X-Mock-Session` was evicted with its
             *     changes (a session bound was passed; the message names it). Answered until the session is reset
             *     (`POST /_mock/reset` with the header) or replaced by an import; or use a new session id.
             */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "This session was evicted at 2026-01-01T12:00:00.000Z (the sessions' memory passed SESSION_MEMORY_MB=256); its changes are lost. Start it again with POST /_mock/reset and this X-Mock-Session, or use a new session id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    deleteOrganization: {
        parameters: {
            query: {
                /**
                 * @description Organization ID. Organization 3 of the default data is a deletable leaf.
                 * @example 3
                 */
                orgId: components["schemas"]["OrgId"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Organization deleted successfully */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /**
             * @description Only from orgs-mock, never from the real service: this `X-Mock-Session` was evicted with its
             *     changes (a session bound was passed; the message names it). Answered until the session is reset
             *     (`POST /_mock/reset` with the header) or replaced by an import; or use a new session id.
             */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "This session was evicted at 2026-01-01T12:00:00.000Z (the sessions' memory passed SESSION_MEMORY_MB=256); its changes are lost. Start it again with POST /_mock/reset and this X-Mock-Session, or use a new session id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    createOrganization: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Acme Kraków",
                 *       "description": "A test organization",
                 *       "tz": "Europe/Warsaw",
                 *       "parentId": 2,
                 *       "phoneNumber": "+48123456789",
                 *       "unitSystem": "METRIC"
                 *     }
                 */
                "application/json": components["schemas"]["OrganizationCreate"];
            };
        };
        responses: {
            /** @description Organization created successfully */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Organization"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /**
             * @description Only from orgs-mock, never from the real service: this `X-Mock-Session` was evicted with its
             *     changes (a session bound was passed; the message names it). Answered until the session is reset
             *     (`POST /_mock/reset` with the header) or replaced by an import; or use a new session id.
             */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "This session was evicted at 2026-01-01T12:00:00.000Z (the sessions' memory passed SESSION_MEMORY_MB=256); its changes are lost. Start it again with POST /_mock/reset and this X-Mock-Session, or use a new session id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    issueToken: {
        parameters: {
            query?: {
                /**
                 * @description `client_credentials` or `refresh_token` (may travel in the form body instead).
                 * @example client_credentials
                 */
                grant_type?: string;
                /** @description The refresh token, for the `refresh_token` grant. */
                refresh_token?: string;
                client_id?: string;
                client_secret?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/x-www-form-urlencoded": {
                    grant_type?: string;
                    refresh_token?: string;
                    client_id?: string;
                    client_secret?: string;
                };
            };
        };
        responses: {
            /** @description A new access token and refresh token */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["TokenCacheControl"];
                    Pragma: components["headers"]["TokenPragma"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "access_token": "4f1c2a1e6b7d4c0b9a8e1f2d3c4b5a69",
                     *       "token_type": "Bearer",
                     *       "expires_in": 86400,
                     *       "refresh_token": "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"
                     *     }
                     */
                    "application/json": components["schemas"]["OAuth2Token"];
                };
            };
            /**
             * @description The OAuth2 request was refused. RFC 6749: a request that authenticates the client more than one way
             *     (HTTP Basic and a `client_secret` parameter, or a `client_id` parameter other than Basic's; §2.3), or
             *     gives a parameter more than once (in the query, the form body or both; §3.2), is `invalid_request`.
             */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["TokenCacheControl"];
                    Pragma: components["headers"]["TokenPragma"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": "invalid_client",
                     *       "error_description": "Client ID is not found or password is wrong."
                     *     }
                     */
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /**
             * @description Too many requests of the client's organization (the API's rate limit), or [ours] too many failed client
             *     authentications of one client id from one origin in a minute (the limit is the mock's, `CLIENT_FAILURES_PER_MINUTE`).
             *     In RFC 6749's body, as every refusal of this endpoint.
             */
            429: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    "Cache-Control": components["headers"]["TokenCacheControl"];
                    Pragma: components["headers"]["TokenPragma"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": "temporarily_unavailable",
                     *       "error_description": "Too many requests: the limit is 10000 requests per minute per organization."
                     *     }
                     */
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description Internal server error, in RFC 6749's body. */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["TokenCacheControl"];
                    Pragma: components["headers"]["TokenPragma"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": "server_error",
                     *       "error_description": "Internal server error."
                     *     }
                     */
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
        };
    };
    mockHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The mock is serving. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MockHealth"];
                };
            };
        };
    };
    mockReset: {
        parameters: {
            query?: {
                all?: "true" | "false";
            };
            header?: {
                /**
                 * @description An isolated state, per id: an overlay of the session's own changes over the shared seeded state (at
                 *     most 200 characters, without commas; longer ids, and repeated headers, which arrive joined by commas,
                 *     are refused with 400). An evicted session is refused with 410 until it is reset.
                 */
                "X-Mock-Session"?: components["parameters"]["MockSession"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Reset done. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MockReset"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    mockExportState: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An isolated state, per id: an overlay of the session's own changes over the shared seeded state (at
                 *     most 200 characters, without commas; longer ids, and repeated headers, which arrive joined by commas,
                 *     are refused with 400). An evicted session is refused with 410 until it is reset.
                 */
                "X-Mock-Session"?: components["parameters"]["MockSession"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The state, ready to be imported again. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MockSnapshot"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /**
             * @description Only from orgs-mock, never from the real service: this `X-Mock-Session` was evicted with its
             *     changes (a session bound was passed; the message names it). Answered until the session is reset
             *     (`POST /_mock/reset` with the header) or replaced by an import; or use a new session id.
             */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "This session was evicted at 2026-01-01T12:00:00.000Z (the sessions' memory passed SESSION_MEMORY_MB=256); its changes are lost. Start it again with POST /_mock/reset and this X-Mock-Session, or use a new session id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    mockImportState: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An isolated state, per id: an overlay of the session's own changes over the shared seeded state (at
                 *     most 200 characters, without commas; longer ids, and repeated headers, which arrive joined by commas,
                 *     are refused with 400). An evicted session is refused with 410 until it is reset.
                 */
                "X-Mock-Session"?: components["parameters"]["MockSession"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MockSnapshot"];
            };
        };
        responses: {
            /** @description Imported. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MockReset"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /**
             * @description Only from orgs-mock: with `X-Mock-Session`, the imported tree would not fit in the free part of
             *     `SESSION_MEMORY_MB` and would evict other sessions' changes; nothing is changed.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
        };
    };
    mockJournal: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MockJournal"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    mockClearJournal: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cleared. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    mockGetConfig: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The settings in force. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MockConfig"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    mockUpdateConfig: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "latencyMs": {
                 *         "min": 50,
                 *         "max": 200
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["MockConfigUpdate"];
            };
        };
        responses: {
            /** @description The settings now in force. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MockConfig"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    mockTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Tokens and clients. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MockTokens"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
}

/** The values of `sortBy` on searchOrganizations. */
export const SORT_FIELDS = ["Organization Id","Name","Device Count","User Count","Sub Organizations"] as const;
/** Every `x-permission` an operation names, in the order of the operations. */
export const PERMISSIONS = ["ORG_VIEW","ORG_EDIT","ORG_DELETE","ORG_CREATE"] as const;
/** The query parameters of each operation that have a default in openapi.yaml: always present once checked. */
export interface QueryDefaults {
    searchOrganizations: "sortBy" | "sortOrder" | "page" | "size";
    mockJournal: "limit";
}
/** The largest request body (`x-max-body-bytes` at the root): its one home is openapi.yaml. */
export const MAX_BODY_BYTES = 2097152;
/** Every `x-refusals` entry of openapi.yaml: the one table of refusal statuses, codes and texts. */
export const REFUSALS = {
  "missingToken": {
    "status": 401,
    "message": "Authorization token is missing."
  },
  "malformedHeader": {
    "status": 401,
    "message": "Authorization header should be \"Bearer <token>\"."
  },
  "unknownToken": {
    "status": 401,
    "message": "Invalid token."
  },
  "noPlatformScope": {
    "status": 403,
    "message": "Platform API scope is not enabled for this oauth client."
  },
  "permissionMissing": {
    "status": 403,
    "message": "Permission {permission} is required for this operation."
  },
  "rateLimited": {
    "status": 429,
    "message": "Too many requests: the limit is {limit} requests per minute per organization."
  },
  "getOrganization.notVisible": {
    "status": 404,
    "message": "Organization is not found or you don't have access to it."
  },
  "updateOrganization.notVisible": {
    "status": 404,
    "message": "Organization is not found or you don't have access to it."
  },
  "deleteOrganization.notVisible": {
    "status": 404,
    "message": "Organization with identifier {orgId} is not found or you don't have access to it."
  },
  "deleteOrganization.hasChildren": {
    "status": 400,
    "message": "Organization with sub-organizations cannot be deleted."
  },
  "deleteOrganization.hasDevices": {
    "status": 400,
    "message": "Organization with devices cannot be deleted."
  },
  "deleteOrganization.ownOrganization": {
    "status": 400,
    "message": "You cannot delete your own organization."
  },
  "createOrganization.parentNotVisible": {
    "status": 404,
    "message": "Parent organization is not found or you don't have access to it."
  },
  "createOrganization.tooDeep": {
    "status": 400,
    "message": "Organization hierarchy cannot be deeper than {maxDepth} levels, counting the root."
  },
  "issueToken.unknownClient": {
    "status": 400,
    "error": "invalid_client",
    "message": "Client ID is not found or password is wrong."
  },
  "issueToken.usedRefreshToken": {
    "status": 400,
    "error": "invalid_grant",
    "message": "Refresh token is invalid, used or expired."
  },
  "issueToken.repeatedParameter": {
    "status": 400,
    "error": "invalid_request",
    "message": "Parameter {name} should be given once."
  },
  "issueToken.severalMethods": {
    "status": 400,
    "error": "invalid_request",
    "message": "Client credentials should come one way only: in the Authorization header or as parameters, not both."
  },
  "issueToken.rateLimited": {
    "status": 429,
    "error": "temporarily_unavailable",
    "message": "Too many requests: the limit is {limit} requests per minute per organization."
  },
  "issueToken.failuresLimited": {
    "status": 429,
    "error": "invalid_client",
    "message": "Too many failed client authentications: the limit is {limit} per minute per client id and origin."
  }
} as const;
/** The messages of the import body (MockSnapshot), by field: what the import reader answers. */
export const SNAPSHOT_MESSAGES = {
  "": "Request body should be a JSON object.",
  "format": "Field format should be orgs-mock/state@1.",
  "nextOrganizationId": "Field nextOrganizationId should be an integer from 1 to 2147483648.",
  "organizations": "Field organizations should be a non-empty array."
} as const;
