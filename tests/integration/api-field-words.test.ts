// One rule for the words of a refused field, on every route: `details.fieldErrors.<field>` holds the
// sentence `message` says about it, naming the field and ending in a full stop. A NUL in `user` said
// "user cannot hold a NUL…" in `message` but "cannot hold a NUL…" beside the field, and a webhook
// URL's rule had neither the field's name nor a full stop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, openRestApi } from '../helpers/api-fixture';
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
});
