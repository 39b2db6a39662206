import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_SITE_API_KEY } from './server';
import type * as Sdk from '../../sdk/src/index.js';
import { baseURL, postgresDemo } from './browser';

// The built SDK package (sdk/dist, as published) against the production build, on the embedded
// database and, when TEST_DATABASE_URL is set, on PostgreSQL. npm test builds both first.

const dist = new URL('../../sdk/dist/index.js', import.meta.url);
if (!existsSync(dist)) throw new Error('sdk/dist is missing: run `npm --prefix sdk run build` (npm test does).');
const { InsufficientTokens, Quota, verifyWebhook } = (await import(dist.href)) as typeof Sdk;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
	for (const c of cleanups.reverse()) await c();
});

/** The PostgreSQL server: a production build of its own on a copy of the run's demo database. */
async function postgresApp(): Promise<string> {
	const app = await postgresDemo('quota_sdk');
	cleanups.push(app.stop);
	return app.baseURL;
}

const servers: [string, () => Promise<string>][] = [['embedded database', async () => baseURL()]];
if (process.env.TEST_DATABASE_URL) servers.push(['PostgreSQL', postgresApp]);

describe.each(servers)('the built SDK against the production build (%s)', (_name, baseURL) => {
	it('grants, checks, consumes, holds and settles, reads the balance and usage, and streams a change', async () => {
		const quota = new Quota({ baseUrl: await baseURL(), apiKey: DEMO_SITE_API_KEY });
		const user = `sdk-e2e-${Date.now()}`;
		expect(await quota.grant({ user, tokens: 1000, source: 'bonus' })).toMatchObject({ tokens: 1000, lot_id: expect.any(String), operation_id: expect.any(String) });
		expect(await quota.check({ user, feature: 'generate_texts', units: 2 })).toMatchObject({ allowed: true, cost: 90 });
		expect((await quota.consume({ user, feature: 'generate_texts', units: 2 })).cost).toBe(90);

		const controller = new AbortController();
		const streamed: number[] = [];
		const loop = (async () => {
			for await (const b of quota.stream({ user }, { signal: controller.signal })) {
				streamed.push(b.data.general!.credit);
				if (streamed.length === 2) break;
			}
		})();
		await expect.poll(() => streamed.length, { timeout: 10_000 }).toBe(1);

		const hold = await quota.hold({ user, feature: 'generate_texts', max_tokens: 400 });
		expect(await quota.settle(hold.hold_id, 150)).toMatchObject({ cost: 150, released: 250 });
		await loop;
		// The hold and the settle may come as one change or two; the stream's last word is the settled figure or the held one.
		expect(streamed[0]).toBe(910);
		expect([510, 760]).toContain(streamed[1]);
		expect((await quota.balance({ user })).data.general!.credit).toBe(760);

		const refused = await quota.hold({ user, feature: 'generate_texts', max_tokens: 1_000_000 }).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(InsufficientTokens);
		expect((refused as InstanceType<typeof InsufficientTokens>).userMessage).toMatch(/more than the [\d,]+ spendable on this feature\./);

		const rows = [];
		for await (const page of quota.usage({ user, limit: 1 })) rows.push(...page.data);
		expect(rows.map((r) => r.tokens_used)).toEqual([150, 90]);
	}, 240_000);

	it('delivers a grant’s event to the host site’s receiver, signed so the SDK verifies it, with the host’s user id and the balance after', async () => {
		const base = await baseURL();
		const bodies: { body: string; headers: Record<string, string | string[] | undefined> }[] = [];
		const receiver = createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				bodies.push({ body, headers: req.headers });
				res.writeHead(204).end();
			});
		});
		await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
		const site = { authorization: `Bearer ${DEMO_SITE_API_KEY}`, 'content-type': 'application/json' };
		let endpointId: string | undefined;
		try {
			const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/quota`;
			const made = await fetch(`${base}/api/v1/webhook-endpoints`, {
				method: 'POST',
				headers: site,
				body: JSON.stringify({ url, event_types: ['grant.created'] })
			});
			expect(made.status).toBe(201);
			const { id, secret } = (await made.json()) as { id: string; secret: string };
			endpointId = id;
			const user = `hook-e2e-${Date.now()}`;
			const quota = new Quota({ baseUrl: base, apiKey: DEMO_SITE_API_KEY });
			await quota.grant({ user, tokens: 700, source: 'bonus' });
			// The schedule delivers within seconds; only this user's event matters (other tests grant too).
			const mine = async () => {
				for (const b of bodies) {
					const event = await verifyWebhook(secret, b.body, b.headers);
					if (event.type !== 'ping' && event.data.user_id === user) return event;
				}
				return undefined;
			};
			await expect.poll(mine, { timeout: 30_000, interval: 500 }).toBeDefined();
			const event = (await mine())!;
			expect(event.type).toBe('grant.created');
			expect(event.data.balance_after.available).toBeGreaterThanOrEqual(700);
			expect(event.data.tokens).toBe(700);
			const forged = { ...bodies[0]!, body: bodies[0]!.body.replace('"grant.created"', '"grant.createD"') };
			await expect(verifyWebhook(secret, forged.body, forged.headers)).rejects.toThrow();
		} finally {
			// The other tests on this app grant too: no endpoint is left behind pointing at a closed receiver.
			if (endpointId) expect((await fetch(`${base}/api/v1/webhook-endpoints/${endpointId}`, { method: 'DELETE', headers: site })).status).toBeLessThan(300);
			await new Promise<void>((r) => (receiver.closeAllConnections(), receiver.close(() => r())));
		}
	}, 120_000);
});
