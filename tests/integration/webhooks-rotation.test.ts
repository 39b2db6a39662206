// What a site relies on when its webhook signing secret leaks: rotating gives the endpoint a new
// secret, shown once, and for 24 hours every delivery carries the old secret's signature beside the
// new one's, so its receiver verifies with either while it switches and loses no delivery; after
// that only the new one signs. Over REST (a site key with the webhooks scope) and audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { backend } from '../helpers/db';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { makeUser } from '../helpers/ledger';
import { receiver, type Received } from '../helpers/webhook-receiver';
import { callJson } from '../helpers/http';
import type { Db } from '../../src/lib/server/db/client';
import { createSiteKey } from '../../src/lib/server/accounts';
import { grant } from '../../src/lib/server/ledger';
import { auditLog, webhookEndpoints } from '../../src/lib/server/db/schema';
import { closeWebhookAgents, createEndpoint, deliverDue, rotateSecret, startWebhookOutbox } from '../../src/lib/server/webhooks';

let db: Db;
let site: string;
let unsubscribe: () => void;
let hooks: Awaited<ReturnType<typeof receiver>>;
beforeAll(async () => {
	({ db, site } = await openRestApi());
	unsubscribe = startWebhookOutbox();
	hooks = await receiver((_, res) => res.writeHead(200).end('ok'));
});
afterAll(async () => {
	unsubscribe();
	await hooks.close();
	await closeWebhookAgents();
	await db.close();
});

const nobody = { ip: null };
const DAY_MS = 24 * 3600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a receiver holding `secret` accepts the delivery (Standard Webhooks' own verify). */
function verifies(secret: string, got: Received): boolean {
	try {
		new Webhook(secret).verify(got.body, got.headers);
		return true;
	} catch {
		return false;
	}
}

let grants = 0;
/** A grant's event delivered to the receiver: what it got. */
async function nextDelivery(): Promise<Received> {
	const before = hooks.got.length;
	const u = await makeUser(db);
	await grant(db.orm, { accountId: u.accountId, tokens: 100, source: 'bonus', grantKey: `rotation-${backend}-${++grants}` });
	for (let i = 0; i < 80 && hooks.got.length === before; i++) {
		await deliverDue(db, { timeoutMs: 3000 });
		await sleep(50);
	}
	expect(hooks.got.length).toBe(before + 1);
	return hooks.got.at(-1)!;
}

const rotated = (id: string, key = site) => callJson(`/api/v1/webhook-endpoints/${id}/rotate-secret`, { method: 'POST', headers: bearer(key) });
const stored = async (id: string) => (await db.orm.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0]!;
const rotations = async (id: string) => db.orm.select().from(auditLog).where(and(eq(auditLog.action, 'webhook_endpoint.secret_rotated'), eq(auditLog.targetId, id)));

describe(`rotating a webhook endpoint's secret on ${backend}`, () => {
	it('for 24 hours a delivery verifies with the old secret and the new one; after them only with the new one', async () => {
		const ep = await createEndpoint(db, { url: hooks.url, event_types: ['grant.created'] }, nobody);
		const old = ep.secret;
		expect(verifies(old, await nextDelivery())).toBe(true);

		const asked = Date.now();
		const res = await rotated(ep.id);
		expect(res.status).toBe(200);
		const body = res.json as { id: string; secret: string; previous_secret_expires_at: string };
		expect(body).toMatchObject({ id: ep.id, url: hooks.url, enabled: true, secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/=]{40,}$/) });
		expect(body.secret).not.toBe(old);
		const until = Date.parse(body.previous_secret_expires_at);
		expect(until).toBeGreaterThanOrEqual(asked + DAY_MS - 5000);
		expect(until).toBeLessThanOrEqual(Date.now() + DAY_MS + 5000);
		// The endpoint says so when read again; its secret is never shown again.
		const read = await callJson(`/api/v1/webhook-endpoints/${ep.id}`, { headers: bearer(site) });
		expect(read.json).toMatchObject({ previous_secret_expires_at: body.previous_secret_expires_at });
		expect(read.json).not.toHaveProperty('secret');

		const during = await nextDelivery();
		expect(during.headers['webhook-signature']!.split(' ')).toHaveLength(2);
		expect([verifies(old, during), verifies(body.secret, during)]).toEqual([true, true]);

		// The 24 hours over: only the new secret signs, and the endpoint says no old one does.
		await db.orm.execute(sql`update webhook_endpoints set previous_secret_expires_at = now() - interval '1 second' where id = ${ep.id}`);
		const after = await nextDelivery();
		expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(1);
		expect([verifies(old, after), verifies(body.secret, after)]).toEqual([false, true]);
		expect((await callJson(`/api/v1/webhook-endpoints/${ep.id}`, { headers: bearer(site) })).json).toMatchObject({ previous_secret_expires_at: null });

		// Audited as the site key's doing, with the endpoint and the old secret's end, never a secret.
		const [entry, ...more] = await rotations(ep.id);
		expect(more).toHaveLength(0);
		expect(entry).toMatchObject({ actorKeyId: expect.any(String), targetType: 'webhook_endpoint', detail: { url: hooks.url, previous_secret_expires_at: body.previous_secret_expires_at } });
		expect(JSON.stringify(entry)).not.toContain('whsec_');
		await db.orm.delete(webhookEndpoints).where(eq(webhookEndpoints.id, ep.id));
	});

	it('rotating again within the 24 hours keeps the newest two secrets signing, not the first', async () => {
		const first = await createEndpoint(db, { url: `${hooks.url}/again`, event_types: ['grant.created'] }, nobody);
		const second = await rotateSecret(db, first.id, nobody);
		const third = await rotateSecret(db, first.id, nobody);
		const got = await nextDelivery();
		expect([first, second, third].map((s) => verifies(s.secret, got))).toEqual([false, true, true]);
		expect(Date.parse(third.previousSecretExpiresAt!)).toBeGreaterThanOrEqual(Date.parse(second.previousSecretExpiresAt!));
		await db.orm.delete(webhookEndpoints).where(eq(webhookEndpoints.id, first.id));
	});

	it('refuses an unknown or malformed id, no key and a key without the webhooks scope, and changes nothing', async () => {
		const ep = await createEndpoint(db, { url: `${hooks.url}/refused`, event_types: ['hold.expired'] }, nobody);
		const before = await stored(ep.id);
		const a = await member(db, 0);
		const readOnly = (await createSiteKey(db, { ...a.auth, user: { ...a.auth.user, siteRole: 'admin' } }, { name: 'read only', scopes: ['read'] })).value;

		expect(await rotated('00000000-0000-0000-0000-000000000000')).toMatchObject({ status: 404, json: { error: 'not_found', message: 'No such webhook endpoint.' } });
		expect(await rotated('not-a-uuid')).toMatchObject({ status: 400 });
		expect(await callJson(`/api/v1/webhook-endpoints/${ep.id}/rotate-secret`, { method: 'POST' })).toMatchObject({ status: 401 });
		expect(await rotated(ep.id, readOnly)).toMatchObject({ status: 403, json: { message: 'This API key lacks the webhooks scope.' } });

		expect(await stored(ep.id)).toEqual(before);
		expect(await rotations(ep.id)).toHaveLength(0);
	});
});
