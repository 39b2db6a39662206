import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toHttpError } from '../../src/lib/server/http/refusals';
import { TRPCError } from '@trpc/server';
import { formatError, toTRPCError } from '../../src/lib/server/trpc/errors';
import { firstIssue, flatIssues, nearestKey } from '../../src/lib/server/input-words';
import { assertStorable } from '../../src/lib/server/storable';
import { DomainError, parseInput } from '../../src/lib/server/errors';
import { formFailure } from '../../src/lib/server/forms';
import { emailSchema } from '../../src/lib/server/accounts/validation';
import { consumeBody, grantBody, holdBody, idempotencyHeader, usageQuery } from '../../src/lib/server/rest/schemas';

// Every kind of issue zod raises reaches a caller as Quota's one sentence naming the field, never
// zod's words ("Too small: expected number to be >=1"); a schema's own message still wins.

const refusal = (schema: z.ZodType, input: unknown): string => {
	const r = schema.safeParse(input);
	if (r.success) throw new Error('expected a refusal');
	return firstIssue(r.error);
};

const site = { user: 'wp-user-42' };

describe('invalid input, in Quota’s words', () => {
	it.each([
		['too small (number)', consumeBody, { ...site, feature: 'ai_bots', units: 0 }, 'units must be a whole number from 1 to 1,000,000,000.'],
		['too big (number)', holdBody, { ...site, feature: 'ai_bots', max_tokens: 5, ttl_seconds: 86_401 }, 'ttl_seconds must be a whole number from 1 to 86,400.'],
		['not a whole number', consumeBody, { ...site, feature: 'ai_bots', units: 1.5 }, 'units must be a whole number from 1 to 1,000,000,000.'],
		['wrong type', consumeBody, { ...site, feature: 'ai_bots', units: '5' }, 'units must be a whole number from 1 to 1,000,000,000.'],
		['a query number', usageQuery, { limit: 'many' }, 'limit must be a whole number from 1 to 200.'],
		['missing field', consumeBody, { ...site, units: 5 }, 'feature is required.'],
		['text too short', consumeBody, { ...site, feature: '', units: 5 }, 'feature cannot be blank.'],
		['text too long', consumeBody, { ...site, feature: 'x'.repeat(65), units: 5 }, 'feature must be text of 1 to 64 characters.'],
		['a header', idempotencyHeader, { 'Idempotency-Key': '' }, 'Idempotency-Key cannot be blank.'],
		['unknown enum value', grantBody, { ...site, tokens: 5, source: 'purchase' }, 'source must be one of "bonus", "referral", "event", "admin".'],
		['bad format (uuid)', consumeBody, { team: 'team-1', feature: 'ai_bots', units: 5 }, 'team must be a UUID, like 123e4567-e89b-12d3-a456-426614174000.'],
		['bad format (date-time)', grantBody, { ...site, tokens: 5, source: 'bonus', expires_at: 'next week' }, 'expires_at must be a date and time in ISO 8601 with its offset, like 2026-12-31T23:00:00Z.'],
		['an unrecognized key', consumeBody, { ...site, feature: 'ai_bots', units: 5, unit: 5 }, 'This request does not take the field "unit": leave it out. It takes "user", "team", "guest", "member", "feature", "units", "model", "metadata".'],
		['unrecognized keys', consumeBody, { ...site, feature: 'ai_bots', units: 5, a: 1, b: 2 }, 'This request does not take the fields "a", "b": leave them out. It takes "user", "team", "guest", "member", "feature", "units", "model", "metadata".'],
		['a field by another name', grantBody, { ...site, tokens: 5, source: 'bonus', reason: 'welcome' }, 'This request does not take the field "reason": did you mean "note"?'],
		['a field by another name, beside the one it means', grantBody, { ...site, tokens: 5, source: 'bonus', note: 'a', reason: 'b' }, 'This request does not take the field "reason": leave it out. It takes "user", "team", "tokens", "unlimited", "source", "model", "expires_at", "note".'],
		['a required field by another name', holdBody, { ...site, feature: 'ai_bots', tokens: 5 }, 'max_tokens is required (the input has "tokens": did you mean "max_tokens"?)'],
		['a missing field beside a slip of its name', consumeBody, { ...site, feature: 'ai_bots', unit: 5 }, 'units is required (the input has "unit": did you mean "units"?)'],
		['a slip of case and underscores', holdBody, { ...site, feature: 'ai_bots', maxTokens: 5 }, 'max_tokens is required (the input has "maxTokens": did you mean "max_tokens"?)'],
		['a transposed slip', consumeBody, { ...site, feautre: 'ai_bots', units: 5 }, 'feature is required (the input has "feautre": did you mean "feature"?)'],
		['a missing choice', grantBody, { ...site, tokens: 5 }, 'source is required: one of "bonus", "referral", "event", "admin".'],
		['a missing field beside another key', consumeBody, { ...site, feature: 'ai_bots', extra: 5 }, 'units is required (the input also has the field "extra", which it does not take).'],
		['a missing field beside another name for it', consumeBody, { ...site, feature: 'ai_bots', count: 5 }, 'units is required (the input has "count": did you mean "units"?)'],
		['a refused field beside keys not taken', consumeBody, { ...site, feature: 'ai_bots', units: 1.5, a: 1, b: 2 }, 'units must be a whole number from 1 to 1,000,000,000 (the input also has the fields "a", "b", which it does not take).'],
		['not an object', consumeBody, [], 'The input must be a JSON object.'],
		['a nested object', consumeBody, { ...site, feature: 'ai_bots', units: 5, metadata: 'note' }, 'metadata must be a JSON object.'],
		['a union of types', consumeBody, { user: 42, feature: 'ai_bots', units: 5 }, 'user must be text.'],
		['a schema’s own message', consumeBody, { user: 'a\u0007b', feature: 'ai_bots', units: 5 }, 'user cannot hold an invisible character (U+0007): an id holding one looks like another id.']
	])('%s', (_, schema, input, sentence) => {
		expect(refusal(schema, input)).toBe(sentence);
	});

	it.each([
		['a list too short', z.object({ event_types: z.array(z.string()).min(1) }), { event_types: [] }, 'event_types must list at least one item.'],
		['a list too long', z.object({ ids: z.array(z.string()).max(2) }), { ids: ['a', 'b', 'c'] }, 'ids must list at most 2 items.'],
		['a list item', z.object({ event_types: z.array(z.enum(['grant.created'])) }), { event_types: ['x'] }, 'event_types[0] must be "grant.created".'],
		['true or false', z.object({ enabled: z.boolean() }), { enabled: 'yes' }, 'enabled must be true or false.'],
		['a literal union', z.object({ span: z.union([z.literal('7d'), z.literal('30d')]) }), { span: '1y' }, 'span must be one of "7d", "30d".'],
		['positive, whole', z.object({ deliveryId: z.coerce.number().int().positive() }), { deliveryId: '0' }, 'deliveryId must be a whole number of at least 1.'],
		['positive, not whole', z.object({ tokensPerUnit: z.number().positive().max(1_000_000) }), { tokensPerUnit: 0 }, 'tokensPerUnit must be a number of more than 0 and at most 1,000,000.'],
		['an email', z.object({ email: z.email() }), { email: 'nope' }, 'email must be an email address, like name@example.com.'],
		['a pattern', z.object({ key: z.string().regex(/^[a-z]+$/) }), { key: 'A' }, 'key holds characters or a form that this field does not take.'],
		['a rule without words', z.object({ n: z.number().refine((n) => n % 2 === 0) }), { n: 1 }, 'n is not valid here.'],
		['a schema’s rule', z.object({ p256dh: z.string().regex(/^x$/, 'must be base64url') }), { p256dh: 'y' }, 'p256dh must be base64url.']
	])('%s', (_, schema, input, sentence) => {
		expect(refusal(schema, input)).toBe(sentence);
	});

	it('REST keeps its body: 400 invalid_input, the sentence, and each field’s in details.fieldErrors', () => {
		const r = consumeBody.safeParse({ ...site, feature: 'ai_bots', units: 0 });
		const err = toHttpError(r.error, 'test');
		expect({ status: err.status, code: err.code, message: err.message }).toEqual({ status: 400, code: 'invalid_input', message: 'units must be a whole number from 1 to 1,000,000,000.' });
		expect(err.details).toEqual({ formErrors: [], fieldErrors: { units: ['units must be a whole number from 1 to 1,000,000,000.'] } });
	});

	it('text the database cannot store is refused as a rule of its field, the field named once', () => {
		const sentence = (value: unknown) => {
			try {
				assertStorable(value);
			} catch (e) {
				return firstIssue(e as z.ZodError);
			}
			throw new Error('expected a refusal');
		};
		expect(sentence({ user: 'wp\u0000user' })).toBe('user cannot hold a NUL character or an unpaired surrogate: neither can be stored.');
		expect(sentence({ metadata: { ['k\ud800']: 1 } })).toBe('metadata cannot have a key holding a NUL character or an unpaired surrogate: neither can be stored.');
		expect(sentence('a\u0000')).toBe('The input holds a NUL character or an unpaired surrogate: neither can be stored.');
	});

	it('a number past the safe integers is told the maximum, never that it is not whole', () => {
		expect(refusal(z.object({ limitTokens: z.number().int().nullable() }), { limitTokens: 1e17 })).toBe('limitTokens must be a whole number of at most 9,007,199,254,740,991.');
		expect(refusal(z.object({ t: z.number().int().min(0) }), { t: 1e20 })).toBe('t must be a whole number from 0 to 9,007,199,254,740,991.');
		expect(refusal(z.object({ tokens: z.number().int().min(1).max(1e12) }), { tokens: 1e20 })).toBe('tokens must be a whole number from 1 to 1,000,000,000,000.');
		expect(refusal(z.object({ t: z.number().int() }), { t: 1.5 })).toBe('t must be a whole number.');
	});

	it('a value that breaks two rules worded alike lists that sentence once per field, at every edge', () => {
		const units = ['units must be a whole number from 1 to 1,000,000,000.'];
		const r = consumeBody.safeParse({ ...site, feature: 'ai_bots', units: 1e30 });
		expect(r.error?.issues.length).toBeGreaterThan(1); // the case: zod raises two issues for this one value
		expect(toHttpError(r.error, 'test').details).toEqual({ formErrors: [], fieldErrors: { units } });
		const refused = (() => {
			try {
				parseInput(consumeBody, { ...site, feature: 'ai_bots', units: 1e30 });
			} catch (e) {
				return e;
			}
		})();
		expect(refused).toMatchObject({ details: { fieldErrors: { units } } });
	});

	it('a value that is no date is told so once, not also that it must be in the future', () => {
		const r = grantBody.safeParse({ ...site, tokens: 5, source: 'bonus', expires_at: 'tomorrow' });
		expect(r.success).toBe(false);
		expect(flatIssues(r.error!).fieldErrors).toEqual({ expires_at: ['expires_at must be a date and time in ISO 8601 with its offset, like 2026-12-31T23:00:00Z.'] });
		const past = grantBody.safeParse({ ...site, tokens: 5, source: 'bonus', expires_at: '2020-01-01T00:00:00Z' });
		expect(flatIssues(past.error!).fieldErrors).toEqual({ expires_at: ['expires_at must be in the future.'] });
	});

	it('a refusal inside a nested object is keyed and worded by its dotted name, one in a list by the list', () => {
		const schema = z.strictObject({ id: z.uuid(), patch: z.strictObject({ url: z.url(), events: z.array(z.strictObject({ name: z.string().min(1) })) }) });
		const bad = { id: '5c1b3c1e-3c53-4a8e-9a43-1a2b3c4d5e6f', patch: { url: 'nope', events: [{ name: '' }] } };
		const r = schema.safeParse(bad);
		expect(Object.keys(flatIssues(r.error!).fieldErrors)).toEqual(['patch.url', 'patch.events']);
		// As a form reads it under the field: the field in words, not its parent's key ("Patch.url must …" under "patch").
		const { fieldErrors } = formatError({ shape: { message: '', code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400 } }, error: toTRPCError(r.error!) }).data;
		expect(fieldErrors!['patch.url']![0]).toMatch(/^Patch URL must be /);
		expect(fieldErrors).not.toHaveProperty('patch');
	});

	it('the known key a caller meant: one slip away, the nearest, never the key itself or one far off', () => {
		expect(nearestKey('ai_bot', ['ai_bots', 'ai_chat', 'export'])).toBe('ai_bots');
		expect(nearestKey('AI-Bots', ['ai_bots'])).toBe('ai_bots');
		expect(nearestKey('gpt5', ['gpt-5', 'gpt-5-nano'])).toBe('gpt-5');
		expect(nearestKey('ai_bots', ['ai_bots'])).toBeUndefined();
		// A plural the edit distance alone calls three slips (y→i, +e, +s) is the same word.
		expect(nearestKey('support_replies', ['support_reply', 'support_ticket'])).toBe('support_reply');
		expect(nearestKey('image_batch', ['image_batches'])).toBe('image_batches');
		expect(nearestKey('support_rep', ['support_reply'])).toBe('support_reply');
		expect(nearestKey('summaries', ['summary_long'])).toBeUndefined();
		expect(nearestKey('translate', ['ai_bots', 'export'])).toBeUndefined();
	});

	it('a domain’s parse (parseInput) refuses in the same sentence, with each field’s in details.fieldErrors', () => {
		const refused = (() => {
			try {
				parseInput(consumeBody, { ...site, feature: 'ai_bots', units: 0 });
			} catch (e) {
				return e;
			}
		})();
		expect(refused).toBeInstanceOf(DomainError);
		expect(refused).toMatchObject({ code: 'invalid_input', message: 'units must be a whole number from 1 to 1,000,000,000.', details: { fieldErrors: { units: ['units must be a whole number from 1 to 1,000,000,000.'] } } });
		expect(() => parseInput(consumeBody, { ...site, feature: 'ai_bots', units: 5, extra: 1 })).toThrow('This request does not take the field "extra": leave it out. It takes "user", "team", "guest", "member", "feature", "units", "model", "metadata".');
		expect(() => parseInput(consumeBody, { user: '', feature: 'ai_bots', units: 5 })).toThrow('user cannot be blank.');
		expect(parseInput(consumeBody, { ...site, feature: 'ai_bots', units: 5 })).toMatchObject({ units: 5 });
	});

	it('a form and the app (tRPC) show a domain’s refusal of input with the field in words, as the API names it in code', () => {
		const refused = (() => {
			try {
				parseInput(z.object({ email: emailSchema }), { email: 'not-an-email' });
			} catch (e) {
				return e;
			}
		})();
		const sentence = 'Enter a valid email address, like name@example.com.';
		expect(refused).toMatchObject({ code: 'invalid_input', message: `email: ${sentence}` });
		const form = formFailure(refused, () => {}, { email: 'not-an-email' });
		expect(form.status).toBe(400);
		expect(form.data).toEqual({ message: `Email: ${sentence}`, code: 'invalid_input', fieldErrors: { email: sentence }, values: { email: 'not-an-email' } });
		expect(toTRPCError(refused).message).toBe(`Email: ${sentence}`);
	});

	it('tRPC’s own refusal of a procedure’s input (zod’s issues as JSON) becomes the sentence', () => {
		const r = z.object({ limit: z.number().int().min(1) }).strict().safeParse({ limit: 0 });
		const mapped = toTRPCError(new TRPCError({ code: 'BAD_REQUEST', cause: r.error }));
		expect({ code: mapped.code, message: mapped.message }).toEqual({ code: 'BAD_REQUEST', message: 'Limit must be a whole number of at least 1.' });
	});

	it('tRPC words the field for the person using the app: "Limit message", not "limitMessage"', () => {
		const r = z.object({ limitMessage: z.string().trim().min(1, 'Write the limit message.').max(500), roles: z.record(z.string(), z.number().int().min(0)) }).safeParse({ limitMessage: 'x'.repeat(501), roles: {} });
		expect(toTRPCError(r.error).message).toBe('Limit message must be text of 1 to 500 characters.');
		const own = z.object({ limitMessage: z.string().trim().min(1, 'Write the limit message.') }).safeParse({ limitMessage: ' ' });
		expect(toTRPCError(own.error).message).toBe('Limit message: Write the limit message.');
		// Initialisms keep their capitals: a webhook's address is "URL", not "Url".
		const url = z.object({ url: z.string().regex(/^https?:/, 'must be an http:// or https:// URL') }).safeParse({ url: 'ftp://example.com/x' });
		expect(toTRPCError(url.error).message).toBe('URL must be an http:// or https:// URL.');
	});

	it('tRPC says each field’s refusal under it in words too: "Name must …", not "name must …" (the console’s model form)', () => {
		const refused = (() => {
			try {
				parseInput(z.object({ name: z.string().trim().min(1).max(120), engine: z.string().trim().min(1).max(60) }), { name: '   ', engine: '   ' });
			} catch (e) {
				return e;
			}
		})();
		const error = toTRPCError(refused);
		const { data } = formatError({ shape: { message: error.message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400 } }, error });
		expect(data.fieldErrors).toEqual({ name: ['Name cannot be blank.'], engine: ['Engine cannot be blank.'] });
	});
});
