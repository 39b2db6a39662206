import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { Agent } from 'undici';
import { send } from '../../src/lib/server/webhooks/deliver';
import { randomBytes } from 'node:crypto';
import { verifyWebhook, WebhookVerificationError, type AccountWebhookEvent, type WebhookEvent } from '../../sdk/src/index.js';

// The SDK's verifyWebhook against what Quota's delivery really sends (its send(), signing with the
// standardwebhooks library, to a receiver on loopback), and against forgeries of it.

// The shape of the secret an endpoint gets (webhooks/endpoints.ts).
const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

let server: Server;
let url: string;
let received: { body: string; headers: IncomingHttpHeaders }[] = [];
// The receiver is on loopback: a dispatcher that may connect anywhere, as with WEBHOOK_PRIVATE_URLS on.
const dispatcher = new Agent();
beforeAll(async () => {
	server = createServer(async (req, res) => {
		let body = '';
		for await (const chunk of req) body += chunk;
		received.push({ body, headers: req.headers });
		res.writeHead(204).end();
	});
	server.listen(0, '127.0.0.1');
	await new Promise((r) => server.once('listening', r));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});
afterAll(async () => {
	await dispatcher.close();
	await new Promise((r) => server.close(r));
});

const payload = {
	type: 'grant.created',
	timestamp: '2026-11-30T12:00:00.000Z',
	data: { event_id: 'evt_1', sequence: 3, account_id: 'a', account_kind: 'user', user_id: 'wp-user-42', balance_after: { available: 900, held: 0, unlimited: false, unlimited_models: [] }, tokens: 500 }
};

/** What Quota sends signed with `secret` (and, during a rotation, the secrets it signs with too). */
async function delivered(secret: string, alsoSigning: string[] = [], event: object = payload) {
	received = [];
	const result = await send(dispatcher, url, [secret, ...alsoSigning], 'evt_1', event, 5000);
	expect(result.ok).toBe(true);
	return received[0]!;
}

const refusal = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);
/** An account's event, narrowed as a receiver narrows it (a test event has no account). */
function accountEvent(e: WebhookEvent): AccountWebhookEvent {
	if (e.type === 'ping') throw new Error('a test event, not an account event');
	return e;
}

describe('SDK verifyWebhook', () => {
	it('accepts what Quota delivers and answers the event, from node headers or a fetch Headers', async () => {
		const secret = newWebhookSecret();
		const { body, headers } = await delivered(secret);
		const event: WebhookEvent = await verifyWebhook(secret, body, headers);
		expect(event).toEqual(payload);
		expect(event.data.event_id).toBe(headers['webhook-id']);
		const fetchHeaders = new Headers(Object.entries(headers).map(([k, v]): [string, string] => [k, String(v)]));
		expect(accountEvent(await verifyWebhook(secret, new TextEncoder().encode(body), fetchHeaders)).data.balance_after.available).toBe(900);
	});

	it('answers a test event from the console as one, with no account: a receiver narrows on its type', async () => {
		const secret = newWebhookSecret();
		const ping = { type: 'ping', timestamp: '2026-11-30T12:00:00.000Z', data: { event_id: 'evt_1', test: true, endpoint_id: 'e', message: 'A test event' } };
		const { body, headers } = await delivered(secret, [], ping);
		const event = await verifyWebhook(secret, body, headers);
		expect(event).toEqual(ping);
		// The type says what the body has: after this check, `data` is a test's, with no account_id to read.
		if (event.type !== 'ping') throw new Error(`a ping was answered as ${event.type}`);
		expect(event.data.endpoint_id).toBe('e');
	});

	it('refuses a changed body, another secret, another id, and a signature of another version', async () => {
		const secret = newWebhookSecret();
		const { body, headers } = await delivered(secret);
		const forged = [
			verifyWebhook(secret, body.replace('500', '50000'), headers),
			verifyWebhook(newWebhookSecret(), body, headers),
			verifyWebhook(secret, body, { ...headers, 'webhook-id': 'evt_2' }),
			verifyWebhook(secret, body, { ...headers, 'webhook-signature': String(headers['webhook-signature']).replace('v1,', 'v2,') })
		];
		for (const e of await Promise.all(forged.map(refusal))) {
			expect(e).toBeInstanceOf(WebhookVerificationError);
			expect((e as Error).message).toMatch(/No webhook-signature matches/);
		}
	});

	it('refuses a replay outside the tolerance and a missing header, and takes any one of several signatures', async () => {
		const secret = newWebhookSecret();
		const { body, headers } = await delivered(secret);
		const sent = new Date(Number(headers['webhook-timestamp']) * 1000);
		const later = (s: number) => ({ now: new Date(sent.getTime() + s * 1000) });
		expect((await verifyWebhook(secret, body, headers, later(299))).type).toBe('grant.created');
		expect(String(await refusal(verifyWebhook(secret, body, headers, later(301))))).toMatch(/more than 300 s from now/);
		expect(String(await refusal(verifyWebhook(secret, body, headers, { ...later(-61), toleranceSeconds: 60 })))).toMatch(/more than 60 s/);
		const { 'webhook-signature': _, ...unsigned } = headers;
		expect(String(await refusal(verifyWebhook(secret, body, unsigned)))).toMatch(/webhook-signature header is missing/);

		// Another sender's several signatures, space-separated: any one that matches verifies.
		const other = new Webhook(newWebhookSecret()).sign(String(headers['webhook-id']), sent, body);
		const both = { ...headers, 'webhook-signature': `${other} ${headers['webhook-signature']}` };
		expect(accountEvent(await verifyWebhook(secret, body, both)).data.sequence).toBe(3);
	});

	it('during a rotation, verifies what Quota sends with the new secret and with the old one alike', async () => {
		const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
		const { body, headers } = await delivered(current, [previous]);
		expect(String(headers['webhook-signature']).split(' ')).toHaveLength(2);
		for (const secret of [current, previous]) expect((await verifyWebhook(secret, body, headers)).data.event_id).toBe('evt_1');
		expect(await refusal(verifyWebhook(newWebhookSecret(), body, headers))).toBeInstanceOf(WebhookVerificationError);
	});
});
