// One rule for the words of a refused field, on every route: `details.fieldErrors.<field>` holds the
// sentence `message` says about it, naming the field and ending in a full stop. A NUL in `user` said
// "user cannot hold a NUL…" in `message` but "cannot hold a NUL…" beside the field, and a webhook
// URL's rule had neither the field's name nor a full stop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
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

	it('a user with a team that is no UUID names sending both first (the fix to make first), and keeps each field\'s words; nothing is spent or held', async () => {
		const both = 'user: Name at most one of "user", "team" or "guest" (a site key must name exactly one; an account key names none).';
		const fieldErrors = { user: [both.slice('user: '.length)], team: ['team must be a UUID, like 123e4567-e89b-12d3-a456-426614174000.'] };
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
		expect(await db.rows(sql`select (select count(*) from operations)::int as ops, (select count(*) from holds)::int as holds, (select count(*) from users)::int as users`)).toEqual(before);
		await expectInvariants(db);
	});
});
