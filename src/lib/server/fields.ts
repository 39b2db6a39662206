import { z } from 'zod';
import { MAX_IDEMPOTENCY_KEY, MAX_TOKENS, MAX_UNITS } from './ledger';
import { CATALOG_KEY, CATALOG_KEY_RULE, MAX_CATALOG_KEY } from '../catalog-key';
import { idSlip, textSlip } from '../visible-text';
import { isDay } from '../day-text';
import { longerThan } from '../text-length';

// The request fields REST v1 and tRPC share, each limit defined once: what the OpenAPI document
// says, what validation enforces and what the domain accepts come from these.

/**
 * The one rule for every id a caller names (a host site's user id, a member, an idempotency key, a
 * key looked up, a metadata key): not blank, no invisible character (lib/visible-text.ts `idSlip`),
 * so no id shows as another or as nothing. Refused as invalid input naming the field. The OpenAPI
 * document says the part of the rule JSON Schema can (`pattern: \S`, not blank), so a generated client
 * or a contract test never takes "   " for a key the server then refuses.
 */
export const visibleId = <T extends z.ZodString>(schema: T): T => schema.superRefine(refuseBy(idSlip)).meta({ pattern: '\\S' }) as T;

/**
 * The one rule for text people read (a note, a name, a description): no bidi embedding, override or
 * isolate (`textSlip`). Refused rather than kept and isolated on display: an isolate keeps the text
 * from reordering what is around it, but "\u202eevil" inside it still reads "live".
 */
export const readableText = <T extends z.ZodString>(schema: T): T => schema.superRefine(refuseBy(textSlip)) as T;

/**
 * `schema` (text people write: a name, a note, a description) at most `max` characters as a person
 * counts them (lib/text-length.ts: an emoji or a flag is one), where zod's `max` counts UTF-16 units
 * and refused 41 emoji as over 80; the console's room-left notes count the same way. Too long is zod's
 * `too_big` issue, said as input-words says it ("Name must be text of at most 80 characters.") unless
 * `message` says it. The OpenAPI document says `maxLength: max`.
 */
export const atMostCharacters = <T extends z.ZodString>(schema: T, max: number, message?: string): T =>
	schema
		.check((ctx) => {
			if (longerThan(ctx.value, max)) ctx.issues.push({ code: 'too_big', origin: 'string', maximum: max, inclusive: true, input: ctx.value, ...(message ? { message } : {}) });
		})
		.meta({ maxLength: max }) as T;

/**
 * `readableText`'s rule for every string in a JSON value (a spend's `metadata`: shown to people as
 * name and value in the usage details and the operations export), however deep in its arrays and
 * objects: the first refused is named by its place (`metadata.note`, `metadata.tags[1]`). Refused,
 * not isolated on display, for `readableText`'s reason. The input's nesting is bounded before any
 * schema runs (storable.ts `assertStorable`), so the walk recurses.
 */
export const readableValues = <T extends z.ZodType>(schema: T): T =>
	schema.superRefine((value, ctx) => {
		const found = firstUnreadable(value, []);
		if (found) ctx.addIssue({ code: 'custom', path: found.path, message: found.message });
	}) as unknown as T;

function firstUnreadable(value: unknown, path: (string | number)[]): { path: (string | number)[]; message: string } | null {
	if (typeof value === 'string') {
		const message = textSlip(value);
		return message ? { path, message } : null;
	}
	if (!value || typeof value !== 'object') return null;
	const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
	for (const [k, v] of entries) {
		const found = firstUnreadable(v, [...path, k]);
		if (found) return found;
	}
	return null;
}

const refuseBy = (slip: (text: string) => string | null) => (text: string, ctx: z.RefinementCtx) => {
	const message = slip(text);
	if (message) ctx.addIssue({ code: 'custom', message });
};

/** A feature, model or module key as created (lib/catalog-key.ts: the rule the console's forms check and say too). */
export const catalogKey = z.string().regex(CATALOG_KEY, CATALOG_KEY_RULE);

/** A feature or model key looked up (an unknown one is a refusal of its own, not malformed input). */
export const keyLookup = visibleId(z.string().min(1).max(MAX_CATALOG_KEY));

export const units = z.number().int().min(1).max(MAX_UNITS);
export const tokens = (min: 0 | 1) => z.number().int().min(min).max(MAX_TOKENS);
export const idempotencyKey = visibleId(z.string().min(1).max(MAX_IDEMPOTENCY_KEY));

/** Longest page cursor a history query takes (cursors Quota hands out are far shorter). */
export const cursor = z.string().max(200);
export const MAX_PAGE = 200;
export const pageLimit = z.number().int().min(1).max(MAX_PAGE);

/** A day of the site's calendar, YYYY-MM-DD (a real one: not 2026-02-30). */
export const siteDay = z.string().refine(isDay, { message: 'must be a date as YYYY-MM-DD, such as 2026-01-31.' });
