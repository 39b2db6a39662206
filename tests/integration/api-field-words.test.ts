// One rule for the words of a refused field, on every route: `details.fieldErrors.<field>` holds the
// sentence `message` says about it, naming the field and ending in a full stop. A NUL in `user` said
// "user cannot hold a NUL…" in `message` but "cannot hold a NUL…" beside the field, and a webhook
// URL's rule had neither the field's name nor a full stop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { call, callJson } from '../helpers/http';
import { bearer, openRestApi } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';

let db: Db;
let site: string;
beforeAll(async () => {
	({ db, site } = await openRestApi());
}, 120_000);
afterAll(async () => db?.close());

const NUL = 'user cannot hold a NUL character or an unpaired surrogate: neither can be stored.';

describe(`a refused field's words are the message's, on ${backend}`, () => {
	it('a NUL in user (body and query) and a webhook URL that breaks its rules: the field named, a full stop, the same words in message and fieldErrors', async () => {
		const cases: [string, Parameters<typeof callJson>[1], string, string][] = [
			['/api/v1/check', { headers: bearer(site), body: { user: 'wp\u0000-42', feature: 'ai_bots', units: 1 } }, 'user', NUL],
			['/api/v1/balance?user=wp%00-42', { headers: bearer(site) }, 'user', NUL],
			['/api/v1/webhook-endpoints', { headers: bearer(site), body: { url: 'ftp://example.com/hooks', event_types: ['grant.created'] } }, 'url', 'url must be an http:// or https:// URL with a host name or IPv4 address.'],
			['/api/v1/webhook-endpoints', { headers: bearer(site), body: { url: `https://${'a'.repeat(64)}.example.com/`, event_types: ['grant.created'] } }, 'url', 'url must have a host name of at most 253 characters, each part between dots at most 63.']
		];
		for (const [path, req, field, words] of cases) {
			const r = await callJson(path, req);
			expect(r.json.error, path).toBe('invalid_input');
			expect({ message: r.json.message, [field]: r.json.details.fieldErrors[field] }, path).toEqual({ message: words, [field]: [words] });
		}
	});

	it("a NUL in a page's query (not an API's) is refused naming the query field, not with a sentence that has no subject", async () => {
		// What the error page shows a person who followed such a link: before, "cannot hold a NUL character …".
		await expect(call('/admin/users/00000000-0000-4000-8000-000000000000?tab=a%00b', { headers: { accept: 'text/html' } })).rejects.toMatchObject({
			status: 400,
			body: { message: 'Tab cannot hold a NUL character or an unpaired surrogate: neither can be stored.' }
		});
	});

	it('a user with a team that is no UUID names sending both first (the fix to make first), and keeps each field\'s words; nothing is spent or held', async () => {
		// The rule quotes the fields it is about: no "user: " in front, which would blame a user not sent (team and guest below).
		const both = 'Name at most one of "user", "team" or "guest" (a site key must name exactly one; an account key names none).';
		const fieldErrors = { user: [both], team: ['team must be a UUID, like 123e4567-e89b-12d3-a456-426614174000.'] };
		const target = { user: 'wp-both-42', team: 'team-7' };
		const calls: [string, Record<string, unknown>][] = [
			['/api/v1/check', { ...target, feature: 'ai_bots', units: 1 }],
			['/api/v1/consume', { ...target, feature: 'ai_bots', units: 1 }],
			['/api/v1/holds', { ...target, feature: 'ai_bots', max_tokens: 10 }]
		];
		const before = await db.rows(sql`select (select count(*) from operations)::int as ops, (select count(*) from holds)::int as holds, (select count(*) from users)::int as users`);
		for (const [path, body] of calls) {
			const r = await callJson(path, { headers: bearer(site, { 'idempotency-key': crypto.randomUUID() }), body });
			expect({ status: r.status, body: r.json }, path).toEqual({ status: 400, body: { error: 'invalid_input', message: both, details: { formErrors: [], fieldErrors } } });
		}
		const query = await callJson('/api/v1/balance?user=wp-both-42&team=team-7', { headers: bearer(site) });
		expect({ message: query.json.message, fieldErrors: query.json.details.fieldErrors }).toEqual({ message: both, fieldErrors });
		const noUser = await callJson('/api/v1/balance?team=00000000-0000-4000-8000-000000000000&guest=visitor-7', { headers: bearer(site) });
		expect({ status: noUser.status, message: noUser.json.message }).toEqual({ status: 400, message: both });
		expect(await db.rows(sql`select (select count(*) from operations)::int as ops, (select count(*) from holds)::int as holds, (select count(*) from users)::int as users`)).toEqual(before);
		await expectInvariants(db);
	});
});

// An id a caller names is one a person can read back: a host-site user id of only spaces made a
// "Site user" no one could find, and "\u202eevil" one that showed as "live". Every such id, and a
// note holding a bidi override, is refused with 400 naming the field, and nothing is made or spent.
const counts = (d: Db) => d.rows(sql`select (select count(*) from users)::int as users, (select count(*) from operations)::int as ops, (select count(*) from holds)::int as holds, (select count(*) from lots)::int as lots`);
const keyed = () => bearer(site, { 'idempotency-key': crypto.randomUUID() });
const BLANK = 'user cannot be blank: it holds only spaces.';
const hidden = (field: string, at: string) => `${field} cannot hold an invisible character (${at}): an id holding one looks like another id.`;

describe(`ids that would show as nothing or as another id, on ${backend}`, () => {
	it('are refused on every route naming a user, 400 naming the field, and nothing is made, spent, held or granted', async () => {
		const before = await counts(db);
		const cases: [string, Parameters<typeof callJson>[1], string, string][] = [
			['/api/v1/consume', { headers: keyed(), body: { user: '  ', feature: 'ai_bots', units: 1 } }, 'user', BLANK],
			['/api/v1/consume', { headers: keyed(), body: { user: '\u202eevil', feature: 'ai_bots', units: 1 } }, 'user', hidden('user', 'U+202E')],
			['/api/v1/consume', { headers: keyed(), body: { user: '\u202e2-ecar', feature: 'ai_bots', units: 1 } }, 'user', hidden('user', 'U+202E')],
			['/api/v1/holds', { headers: keyed(), body: { user: 'ad\u200bmin', feature: 'ai_bots', max_tokens: 10 } }, 'user', hidden('user', 'U+200B')],
			['/api/v1/grants', { headers: keyed(), body: { user: '\u2066wp-1\u2069', tokens: 5, source: 'bonus' } }, 'user', hidden('user', 'U+2066')],
			['/api/v1/check', { headers: bearer(site), body: { user: '\u3000', feature: 'ai_bots', units: 1 } }, 'user', BLANK],
			['/api/v1/balance?user=%20%20', { headers: bearer(site) }, 'user', BLANK],
			['/api/v1/usage?user=%E2%80%AEevil', { headers: bearer(site) }, 'user', hidden('user', 'U+202E')],
			['/api/v1/embed-tokens', { headers: bearer(site), body: { user: '\u202eevil' } }, 'user', hidden('user', 'U+202E')],
			['/api/v1/consume', { headers: bearer(site, { 'idempotency-key': 'retry\u00ad1' }), body: { user: 'wp-ids-1', feature: 'ai_bots', units: 1 } }, 'Idempotency-Key', hidden('Idempotency-Key', 'U+00AD')],
			[
				'/api/v1/grants',
				{ headers: keyed(), body: { user: 'wp-ids-1', tokens: 5, source: 'bonus', note: 'Refund \u202eevil' } },
				'note',
				'note cannot hold a character that reorders the text after it (U+202E): it makes the text read as something else.'
			]
		];
		for (const [path, req, field, words] of cases) {
			const r = await callJson(path, req);
			expect({ status: r.status, error: r.json.error, message: r.json.message, field: r.json.details?.fieldErrors?.[field] }, path).toEqual({ status: 400, error: 'invalid_input', message: words, field: [words] });
		}
		expect(await counts(db)).toEqual(before);
		await expectInvariants(db);
	});

	it('takes the ids people really use, spaces inside and right-to-left scripts too, and a note in Hebrew with its marks', async () => {
		for (const [user, note] of [['john smith', 'Welcome'], ['مستخدم-٤٢', 'תודה \u200f(42)']]) {
			const r = await callJson('/api/v1/grants', { headers: keyed(), body: { user, tokens: 5, source: 'bonus', note } });
			expect(r.status, user).toBe(201);
			expect((await callJson(`/api/v1/balance?user=${encodeURIComponent(user!)}`, { headers: bearer(site) })).status, user).toBe(200);
		}
		expect(await db.rows(sql`select external_id from users where external_id in ('john smith', 'مستخدم-٤٢') order by 1`)).toHaveLength(2);
		await expectInvariants(db);
	});
});

// A spend's metadata is shown to people as name and value (the usage details, the operations export):
// a value holding a bidi override would read as another value there, as a note would. Refused at any
// depth, 400 naming where, and nothing is spent or held; the marks right-to-left writers use are kept.
describe(`metadata values that would read as other text, on ${backend}`, () => {
	const reorders = (field: string, at: string) => `${field} cannot hold a character that reorders the text after it (${at}): it makes the text read as something else.`;

	it('are refused on consume and holds, 400 naming the key, and nothing is spent or held', async () => {
		const before = await counts(db);
		const cases: [string, Record<string, unknown>, string, string][] = [
			['/api/v1/consume', { user: 'wp-meta-1', feature: 'ai_bots', units: 1, metadata: { invoice: 'INV-\u202e1007' } }, 'metadata.invoice', 'U+202E'],
			['/api/v1/holds', { user: 'wp-meta-1', feature: 'ai_bots', max_tokens: 10, metadata: { chat: 'c_81', tags: ['ok', '\u2067x\u2069'] } }, 'metadata.tags[1]', 'U+2067'],
			['/api/v1/consume', { user: 'wp-meta-1', feature: 'ai_bots', units: 1, metadata: { order: { ref: '\u202aA' } } }, 'metadata.order.ref', 'U+202A']
		];
		for (const [path, body, field, at] of cases) {
			const r = await callJson(path, { headers: keyed(), body });
			const words = reorders(field, at);
			expect({ status: r.status, error: r.json.error, message: r.json.message }, field).toEqual({ status: 400, error: 'invalid_input', message: words });
		}
		expect(await counts(db)).toEqual(before);
		await expectInvariants(db);
	});

	it('keeps values in right-to-left scripts with their marks, numbers and nested values, and gives them back as sent', async () => {
		const metadata = { note: 'תודה \u200f(42)', turn: 3, parts: ['a', { b: 'مرحبا' }] };
		expect((await callJson('/api/v1/grants', { headers: keyed(), body: { user: 'wp-meta-2', tokens: 1_000, source: 'bonus' } })).status).toBe(201);
		const r = await callJson('/api/v1/consume', { headers: keyed(), body: { user: 'wp-meta-2', feature: 'ai_bots', units: 1, metadata } });
		expect(r.status).toBe(200);
		const [op] = await db.rows<{ metadata: unknown }>(sql`select metadata from operations where id = ${r.json.operation_id}::uuid`);
		expect(op!.metadata).toEqual(metadata);
		await expectInvariants(db);
	});
});
