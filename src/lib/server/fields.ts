import { z } from 'zod';
import { MAX_IDEMPOTENCY_KEY, MAX_TOKENS, MAX_UNITS } from './ledger';

// The request fields REST v1 and tRPC share, each limit defined once: what the OpenAPI document
// says, what validation enforces and what the domain accepts come from these.

/** Longest key of a feature, model or module (what the admin console lets one create). */
export const MAX_CATALOG_KEY = 64;

/** A feature, model or module key as created: lower-case letters, digits, `.`, `-`, `_`. */
export const catalogKey = z
	.string()
	.regex(new RegExp(`^[a-z0-9][a-z0-9._-]{0,${MAX_CATALOG_KEY - 1}}$`), `lower-case letters, digits, dot, dash or underscore (max ${MAX_CATALOG_KEY})`);

/** A feature or model key looked up (an unknown one is a refusal of its own, not malformed input). */
export const keyLookup = z.string().min(1).max(MAX_CATALOG_KEY);

export const units = z.number().int().min(1).max(MAX_UNITS);
export const tokens = (min: 0 | 1) => z.number().int().min(min).max(MAX_TOKENS);
export const idempotencyKey = z.string().min(1).max(MAX_IDEMPOTENCY_KEY);

/** Longest page cursor a history query takes (cursors Quota hands out are far shorter). */
export const cursor = z.string().max(200);
export const MAX_PAGE = 200;
export const pageLimit = z.number().int().min(1).max(MAX_PAGE);
