// What an admin relies on when managing webhook endpoints: one endpoint per address (a second would
// get every event twice, under another secret), refused in words beside the URL on every transport;
// and a delivery log that names each event's account, since every account counts its events from #1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, freshDb } from '../helpers/db';
import { makeTeam, makeUser } from '../helpers/ledger';
import { bearer, siteKey } from '../helpers/api-fixture';
import { callJson, useDb } from '../helpers/http';
import type { Db } from '../../src/lib/server/db/client';
import { grant } from '../../src/lib/server/ledger';
import { createEndpoint, deleteEndpoint, endpointAddress, listDeliveries, listEndpoints, startWebhookOutbox, updateEndpoint } from '../../src/lib/server/webhooks';
import { webhookEndpoints } from '../../src/lib/server/db/schema';

let db: Db;
let unsubscribe: () => void;
beforeAll(async () => {
	db = await freshDb();
	unsubscribe = startWebhookOutbox();
});
afterAll(async () => {
	unsubscribe();
	await db.close();
});

const nobody = { ip: null };
const taken = /^The endpoint “Billing backend” \(https:\/\/hooks\.example\.com\/quota\) has this URL already: change its events instead of adding a second one, which would get every event twice\.$/;
const movedOnto = 'The endpoint “Billing backend” (https://hooks.example.com/quota) has this URL already: change its events instead of giving this one its URL, which would get every event twice.';

describe(`webhook endpoints on ${backend}`, () => {
	it('refuses a second endpoint at the same URL, however it is spelled, beside the URL and with nothing stored', async () => {
		const first = await createEndpoint(db, { url: 'https://hooks.example.com/quota', description: 'Billing backend', event_types: ['grant.created'] }, nobody);
		for (const url of ['https://hooks.example.com/quota', 'https://HOOKS.example.com:443/quota', 'https://hooks.example.com/quota/', 'https://hooks.example.com/quota//#top']) {
			await expect(createEndpoint(db, { url, event_types: ['hold.expired'] }, nobody)).rejects.toMatchObject({
				code: 'conflict',
				message: expect.stringMatching(taken),
				details: { fieldErrors: { url: [expect.stringMatching(taken)] } }
			});
		}
		expect((await listEndpoints(db.orm)).filter((e) => e.url.toLowerCase().includes('hooks.example.com/quota'))).toHaveLength(1);
		// A trailing slash, a default port, a fragment or the host's case make no other endpoint; another port or scheme does.
		expect(['https://Hooks.Example.com:443/quota/', 'https://hooks.example.com/quota#x'].map(endpointAddress)).toEqual(['https://hooks.example.com/quota', 'https://hooks.example.com/quota']);
		expect(['https://hooks.example.com:8443/quota', 'http://hooks.example.com/quota', 'https://hooks.example.com/quota?x=1'].map(endpointAddress)).not.toContain('https://hooks.example.com/quota');

		// Another path is another endpoint; moving it onto the first one's URL is refused too, keeping its own is not.
		const second = await createEndpoint(db, { url: 'https://hooks.example.com/quota/audit', event_types: ['grant.created'] }, nobody);
		await expect(updateEndpoint(db, second.id, { url: 'https://hooks.example.com/quota/' }, nobody)).rejects.toMatchObject({ code: 'conflict', message: movedOnto });
		await expect(updateEndpoint(db, second.id, { url: 'https://hooks.example.com/quota/audit', description: 'Audit' }, nobody)).resolves.toMatchObject({ description: 'Audit' });

		// The site key's REST call gets the same words as a 409, the field named as the API names it.
		await useDb(db);
		const refused = await callJson('/api/v1/webhook-endpoints', { headers: bearer(await siteKey(db)), body: { url: 'https://hooks.example.com/quota', event_types: ['grant.created'] } });
		expect(refused.status).toBe(409);
		expect(refused.json).toMatchObject({ error: 'conflict', message: expect.stringMatching(taken) });

		// The database holds the rule too: a second row at the same address is refused by its unique index.
		await expect(db.orm.insert(webhookEndpoints).values({ url: 'https://hooks.example.com/quota/', address: endpointAddress('https://hooks.example.com/quota/'), secret: 'whsec_x', eventTypes: ['grant.created'] })).rejects.toThrow();
		// A turned-off endpoint keeps its address: it is named, with what to do.
		await updateEndpoint(db, first.id, { enabled: false }, nobody);
		await expect(createEndpoint(db, { url: 'https://hooks.example.com/quota/', event_types: ['grant.created'] }, nobody)).rejects.toMatchObject({
			message: 'The endpoint “Billing backend” (https://hooks.example.com/quota, turned off) has this URL already: turn it on and change its events instead of adding a second one, which would get every event twice.'
		});
		const unnamed = await createEndpoint(db, { url: 'https://hooks.example.com/unnamed/', event_types: ['grant.created'] }, nobody);
		await expect(createEndpoint(db, { url: 'https://hooks.example.com/unnamed', event_types: ['grant.created'] }, nobody)).rejects.toMatchObject({
			message: 'The endpoint at https://hooks.example.com/unnamed/ has this URL already: change its events instead of adding a second one, which would get every event twice.'
		});
		await deleteEndpoint(db, unnamed.id, nobody);

		// Once the first is deleted, its URL is free again.
		await deleteEndpoint(db, first.id, nobody);
		await expect(createEndpoint(db, { url: 'https://hooks.example.com/quota', event_types: ['grant.created'] }, nobody)).resolves.toMatchObject({ url: 'https://hooks.example.com/quota' });
	});

	it('refuses a URL over 2,000 characters, with a host name no lookup finds or one the URL parser refuses, on every transport, and stores nothing', async () => {
		const before = (await listEndpoints(db.orm)).length;
		const tooLong = `https://hooks.example.com/${'p'.repeat(2000)}`;
		const longLabel = `https://${'a'.repeat(1992)}`; // the 3,000 a's a browser's maxlength cut to 2,000 characters, ".com" gone
		const hostWords = 'url must have a host name of at most 253 characters, each part between dots at most 63.';
		await expect(createEndpoint(db, { url: tooLong, event_types: ['grant.created'] }, nobody)).rejects.toMatchObject({ code: 'invalid_input', details: { fieldErrors: { url: [expect.stringContaining('2,000')] } } });
		await expect(createEndpoint(db, { url: longLabel, event_types: ['grant.created'] }, nobody)).rejects.toMatchObject({ code: 'invalid_input', message: hostWords });
		// The fuzz's counterexample: it matches the URL pattern (the OpenAPI document's too) and threw in the URL parser (a 500).
		const unparsed = 'http://a.0';
		for (const privateUrls of [true, false]) {
			await expect(createEndpoint(db, { url: unparsed, event_types: ['balance.low'] }, nobody, { privateUrls })).rejects.toMatchObject({
				code: 'invalid_input',
				details: { fieldErrors: { url: [expect.stringContaining('must be a whole IPv4 address')] } }
			});
		}
		// Each cause the pattern leaves is said as it is: a malformed xn-- part was told of a number that was not there.
		const causes = [
			['http://xn--a.com/', '“xn--a” begins with xn--, the mark of an internationalized name, and is not one.', false],
			['http://hooks.XN--ab--c.example/q', '“XN--ab--c” begins with xn--', false],
			['http://256.1.1.1/', 'a host whose last part is a number must be a whole IPv4 address', true],
			['http://xn--a.0/', '“xn--a” begins with xn--, the mark of an internationalized name, and is not one; a host whose last part is a number must be a whole IPv4 address', true]
		] as const;
		for (const [url, words, number] of causes) {
			const refusal = await createEndpoint(db, { url, event_types: ['balance.low'] }, nobody).catch((e: unknown) => e);
			expect(refusal, url).toMatchObject({ code: 'invalid_input', details: { fieldErrors: { url: [expect.stringContaining(words)] } } });
			if (!number) expect((refusal as Error).message, url).not.toMatch(/number|IPv4/);
		}
		const kept = await createEndpoint(db, { url: 'https://hooks.example.com/kept', event_types: ['grant.created'] }, nobody);
		await expect(updateEndpoint(db, kept.id, { url: longLabel }, nobody)).rejects.toMatchObject({ code: 'invalid_input', message: hostWords });
		await useDb(db);
		const site = bearer(await siteKey(db));
		// The schema's refusals are 400s; a URL that fits the documented pattern but does not parse is a rule's, 422.
		for (const [url, status] of [[tooLong, 400], [longLabel, 400], [unparsed, 422]] as const) {
			const r = await callJson('/api/v1/webhook-endpoints', { headers: site, body: { url, event_types: ['grant.created'] } });
			expect(r.status).toBe(status);
			expect(r.json).toMatchObject({ error: 'invalid_input', details: { fieldErrors: { url: [expect.any(String)] } } });
		}
		expect((await listEndpoints(db.orm)).map((e) => e.url)).not.toContain(longLabel);
		expect((await listEndpoints(db.orm)).length).toBe(before + 1);
		await deleteEndpoint(db, kept.id, nobody);
	});

	it('names the account of each delivery: a user’s and a team’s first events are both #1', async () => {
		const ep = await createEndpoint(db, { url: 'https://hooks.example.com/names', event_types: ['grant.created'] }, nobody);
		const user = await makeUser(db);
		const team = await makeTeam(db);
		for (const [i, who] of [user, team].entries()) await grant(db.orm, { accountId: who.accountId, tokens: 100, source: 'bonus', grantKey: `names-${i}-${who.accountId}` });
		const rows = (await listDeliveries(db.orm, ep.id)).map((d) => [d.eventType, d.sequence, d.account]);
		expect(rows).toEqual(
			expect.arrayContaining([
				['grant.created', 1, { name: expect.stringMatching(/^User \d+$/), kind: 'user' }],
				['grant.created', 1, { name: expect.stringMatching(/^Team \d+$/), kind: 'team' }]
			])
		);
		expect(rows).toHaveLength(2);
	});
});
