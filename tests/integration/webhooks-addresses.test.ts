// Webhooks cannot be turned on the server's own network (server-side request forgery): with private
// URLs off (production's default), an endpoint on loopback, a private network or the cloud's metadata
// address is refused when it is set, and a name that resolves to such an address is refused at
// delivery, in the connection itself: the listener behind it gets nothing and the log shows no answer.
// With private URLs on (the embedded database's default) a loopback listener gets its deliveries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { lookup as dnsLookup } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import type { Db } from '../../src/lib/server/db/client';
import { grant } from '../../src/lib/server/ledger';
import { createEndpoint, deliverDue, listDeliveries, listEndpoints, startWebhookOutbox, updateEndpoint } from '../../src/lib/server/webhooks';
import { send } from '../../src/lib/server/webhooks/deliver';
import { webhookAgent } from '../../src/lib/server/webhooks/address';
import { backend, freshDb } from '../helpers/db';
import { makeUser } from '../helpers/ledger';

const off = { privateUrls: false };

/** A resolver where two public-looking names point at loopback (one of them beside a public address); others as dns.lookup. */
const rebinding: LookupFunction = (hostname, options, callback) => {
	const answer = { 'hooks.example.test': ['127.0.0.1'], 'mixed.example.test': ['93.184.216.34', '127.0.0.1'] }[hostname];
	if (!answer) return dnsLookup(hostname, options, callback);
	if (options.all) callback(null, answer.map((address) => ({ address, family: 4 })));
	else callback(null, answer[0]!, 4);
};

let db: Db;
let unsubscribe: () => void;
let listener: Server;
let port: number;
let received = 0;
let publicId: string;
beforeAll(async () => {
	db = await freshDb();
	unsubscribe = startWebhookOutbox();
	publicId = (await createEndpoint(db, { url: 'https://hooks.example.com/quota', event_types: ['grant.created'] }, { ip: null }, off)).id;
	listener = createServer((req, res) => {
		received++;
		req.resume().on('end', () => res.writeHead(200).end('secret-metadata'));
	});
	await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
	port = (listener.address() as AddressInfo).port;
});
afterAll(async () => {
	unsubscribe();
	listener.closeAllConnections();
	await new Promise((r) => listener.close(r));
	await db.close();
});

describe(`webhook endpoint addresses on ${backend}`, () => {
	it.each([
		['http://127.0.0.1:39/hooks', /^Webhook URLs must be public: 127\.0\.0\.1 is a loopback address \(set WEBHOOK_PRIVATE_URLS=true/],
		['http://169.254.169.254/latest', /^Webhook URLs must be public: 169\.254\.169\.254 is a link-local address/],
		['http://2130706433/', /^Webhook URLs must be public: 127\.0\.0\.1 is a loopback address/],
		['http://0x7f.1/', /^Webhook URLs must be public: 127\.0\.0\.1 is a loopback address/],
		['http://localhost:3000/', /^Webhook URLs must be public: localhost is a loopback address/],
		['http://10.0.0.8/', /^Webhook URLs must be public: 10\.0\.0\.8 is a private address/],
		['http://[::1]/', /host name or IPv4 address/] // no IPv6 literal is taken at all (the URL pattern)
	])('with private URLs off, %s is refused when it is set, and nothing is stored', async (url, message) => {
		await expect(createEndpoint(db, { url, event_types: ['grant.created'] }, { ip: null }, off)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(message) });
		await expect(updateEndpoint(db, publicId, { url }, { ip: null }, off)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(message) });
		expect((await listEndpoints(db.orm)).map((e) => e.url)).toEqual(['https://hooks.example.com/quota']);
		const audited = await db.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action like 'webhook_endpoint.%' and after::text like ${`%${url}%`}`);
		expect(audited[0]!.n).toBe(0);
	});

	it('a URL on a port HTTP clients never connect to (9, 25, 6000) is refused beside the URL, private URLs on or off; a delivery to one stored before says why it fails', async () => {
		for (const url of ['http://127.0.0.1:9/hooks', 'https://hooks.example.com:25/quota', 'http://hooks.example.com:6000/']) {
			for (const policy of [off, { privateUrls: true }]) {
				const refusal = { code: 'invalid_input', message: expect.stringMatching(/^Port (9|25|6000) is one that HTTP clients refuse to connect to/), details: { fieldErrors: { url: [expect.any(String)] } } };
				await expect(createEndpoint(db, { url, event_types: ['grant.created'] }, { ip: null }, policy)).rejects.toMatchObject(refusal);
				await expect(updateEndpoint(db, publicId, { url }, { ip: null }, policy)).rejects.toMatchObject(refusal);
			}
		}
		expect((await listEndpoints(db.orm)).map((e) => e.url)).toEqual(['https://hooks.example.com/quota']);
		// fetch's own refusal has no code: its words are the reason, not "TypeError ← Error".
		const r = await send(webhookAgent(true), 'http://127.0.0.1:9/hooks', ['whsec_' + Buffer.alloc(24).toString('base64')], 'msg_bad_port', { type: 'ping' }, 2000);
		expect(r).toMatchObject({ ok: false, statusCode: null, error: 'Could not connect: bad port' });
	});

	it('with private URLs off, a name resolving to loopback and a stored loopback URL are never connected to; with them on, both are delivered', async () => {
		await updateEndpoint(db, publicId, { enabled: false }, { ip: null });
		// Stored before (or while private URLs were on): the check at delivery still holds.
		const urls = [`http://hooks.example.test:${port}/hooks`, `http://mixed.example.test:${port}/hooks`, `http://127.0.0.1:${port}/hooks`];
		const endpoints = [];
		for (const url of urls) endpoints.push(await createEndpoint(db, { url, event_types: ['grant.created'] }, { ip: null }));
		const u = await makeUser(db);
		await grant(db.orm, { accountId: u.accountId, tokens: 100, source: 'bonus', grantKey: `ssrf-${u.accountId}` });

		expect(await deliverDue(db, { ...off, lookup: rebinding, retrySchedule: [60] })).toBe(3);
		expect(received).toBe(0);
		const refused = await Promise.all(endpoints.map(async (ep) => (await listDeliveries(db.orm, ep.id))[0]!));
		expect(refused.map((d) => [d.status, d.attempts.map((a) => [a.statusCode, a.responseExcerpt, a.error])])).toEqual([
			['pending', [[null, null, 'Refused: hooks.example.test resolves to a loopback address, and webhooks go to public addresses only']]],
			['pending', [[null, null, 'Refused: mixed.example.test resolves to a loopback address, and webhooks go to public addresses only']]],
			['pending', [[null, null, 'Refused: 127.0.0.1 is a loopback address, and webhooks go to public addresses only']]]
		]);

		// The same resolver and listener, private URLs on (the embedded database's default): the control that shows the refusal was the check's.
		await db.rows(sql`update webhook_deliveries set next_attempt_at = now()`);
		expect(await deliverDue(db, { privateUrls: true, lookup: rebinding, retrySchedule: [60] })).toBe(3);
		expect(received).toBe(3);
		const delivered = await Promise.all(endpoints.map(async (ep) => (await listDeliveries(db.orm, ep.id))[0]!));
		// Attempts are newest first.
		expect(delivered.map((d) => [d.status, d.attempts[0]!.statusCode, d.attempts[0]!.responseExcerpt])).toEqual(Array(3).fill(['delivered', 200, 'secret-metadata']));
		for (const ep of endpoints) await updateEndpoint(db, ep.id, { enabled: false }, { ip: null });
	});
});
