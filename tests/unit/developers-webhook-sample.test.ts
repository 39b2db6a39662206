import { describe, expect, it } from 'vitest';
import * as crypto from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { webhookRaw } from '../../src/routes/developers/guides';

// The page's by-hand signature check must accept what Quota sends (deliver.ts signs with
// standardwebhooks) and refuse a changed body, a wrong secret and a stale timestamp.

type Verify = (secret: string, headers: Record<string, string>, body: string) => boolean;
const verify = new Function('crypto', `${webhookRaw.replace(/^import .*$/m, 'const { createHmac, timingSafeEqual } = crypto;')}\nreturn verifyQuotaWebhook;`)(crypto) as Verify;

const secret = `whsec_${crypto.randomBytes(24).toString('base64')}`;
const signed = (body: string, at = new Date()) => {
	const id = `msg_${crypto.randomUUID()}`;
	return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) };
};

describe("/developers' webhook signature check", () => {
	it('accepts what Quota signs, also beside another signature during a secret rotation', () => {
		const body = JSON.stringify({ type: 'grant.created', timestamp: new Date().toISOString(), data: { event_id: 'e1' } });
		const headers = signed(body);
		expect(verify(secret, headers, body)).toBe(true);
		expect(verify(secret, { ...headers, 'webhook-signature': `v1,${crypto.randomBytes(32).toString('base64')} ${headers['webhook-signature']}` }, body)).toBe(true);
	});

	it('refuses a changed body, another secret and a stale timestamp', () => {
		const body = '{"type":"balance.low"}';
		const headers = signed(body);
		expect(verify(secret, headers, `${body} `)).toBe(false);
		expect(verify(`whsec_${crypto.randomBytes(24).toString('base64')}`, headers, body)).toBe(false);
		expect(verify(secret, signed(body, new Date(Date.now() - 10 * 60_000)), body)).toBe(false);
	});
});
