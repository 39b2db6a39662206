import { z } from 'zod';
import { MAX_IDEMPOTENCY_KEY, MAX_TOKENS, MAX_UNITS } from './ledger';
import { CATALOG_KEY, CATALOG_KEY_RULE, MAX_CATALOG_KEY } from '../catalog-key';

// The request fields REST v1 and tRPC share, each limit defined once: what the OpenAPI document
// says, what validation enforces and what the domain accepts come from these.

/** A feature, model or module key as created (lib/catalog-key.ts: the rule the console's forms check and say too). */
export const catalogKey = z.string().regex(CATALOG_KEY, CATALOG_KEY_RULE);

/** A feature or model key looked up (an unknown one is a refusal of its own, not malformed input). */
export const keyLookup = z.string().min(1).max(MAX_CATALOG_KEY);

export const units = z.number().int().min(1).max(MAX_UNITS);
export const tokens = (min: 0 | 1) => z.number().int().min(min).max(MAX_TOKENS);
export const idempotencyKey = z.string().min(1).max(MAX_IDEMPOTENCY_KEY);

/** Longest page cursor a history query takes (cursors Quota hands out are far shorter). */
export const cursor = z.string().max(200);
export const MAX_PAGE = 200;
export const pageLimit = z.number().int().min(1).max(MAX_PAGE);
