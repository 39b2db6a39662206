// An audit entry of a change says every field that changed, and who: an endpoint turned off by a
// site key names that key in its reason; a patch, a package or any form of the console saved as it was logs nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend } from '../helpers/db';
import { bearer, openRestApi } from '../helpers/api-fixture';
import { callJson } from '../helpers/http';
import type { Db } from '../../src/lib/server/db/client';
import { createEndpoint, getEndpoint, updateEndpoint } from '../../src/lib/server/webhooks';
import { listAudit } from '../../src/lib/server/admin/audit-log';
import { saveFeature, saveModel, saveModule } from '../../src/lib/server/admin/rates';
import { saveLimits, saveRollover } from '../../src/lib/server/admin/site-setup';
import { setReferralRules } from '../../src/lib/server/referrals';
import { saveProduct } from '../../src/lib/server/store/catalog';
import { audit } from '../../src/lib/server/accounts/audit';
import { ALL_BUT_SESSIONS } from '../../src/lib/search-text';

let db: Db;
let site: string;
beforeAll(async () => void ({ db, site } = await openRestApi()));
afterAll(async () => db?.close());

const byQuota = { via: 'command line' } as const;
const entriesOf = async (action: string, targetId: string) => (await listAudit(db.orm, { action })).rows.filter((r) => r.targetId === targetId);

describe(`audit entries of changes on ${backend}`, () => {
	it('an endpoint a site key turns off says which key did it; its entry lists the description and the state changed; a patch of nothing logs nothing', async () => {
		const endpoint = await createEndpoint(db, { url: 'https://hooks.example.com/audit', description: 'Billing', event_types: ['grant.created'] }, { ip: null });
		const r = await callJson(`/api/v1/webhook-endpoints/${endpoint.id}`, { method: 'PATCH', headers: bearer(site), body: { description: 'Billing backend', enabled: false } });
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ enabled: false, disabled_reason: 'Turned off by the API key “Contract tests”.' });
		const [entry] = await entriesOf('webhook_endpoint.update', endpoint.id);
		expect(entry!.words.changes.map((c) => c.field)).toEqual(['Description', 'Enabled']);

		await updateEndpoint(db, endpoint.id, { description: 'Billing backend', enabled: false }, { ip: null });
		expect(await entriesOf('webhook_endpoint.update', endpoint.id)).toHaveLength(1);
		expect((await getEndpoint(db.orm, endpoint.id)).disabledReason).toBe('Turned off by the API key “Contract tests”.');
	});

	it('a package saved with no change logs nothing; one change logs that field alone', async () => {
		const pack = { id: 'audit-pack', kind: 'pack' as const, name: 'Audit pack', grants: [{ model: null, tokens: 1_000 }], priceCents: 300 };
		await saveProduct(db.orm, byQuota, pack, 'create');
		await saveProduct(db.orm, byQuota, pack, 'update');
		expect(await entriesOf('store.product_updated', 'audit-pack')).toHaveLength(0);
		await saveProduct(db.orm, byQuota, { ...pack, priceCents: 350 }, 'update');
		const [entry] = await entriesOf('store.product_updated', 'audit-pack');
		expect(entry!.words.changes).toEqual([{ field: 'Price', before: { cents: 300, currency: 'USD' }, after: { cents: 350, currency: 'USD' } }]);
	});

	it("the console's forms saved as they were log nothing and answer changed false: a feature, module and model, a module's limits and rollover, the referral rules", async () => {
		const feature = { key: 'audit_same', name: 'Audit same', module: 'chat', unit: 'word' as const, tokensPerUnit: 2 };
		const limits = { module: 'chat', guest: 50, limitType: 'general' as const, members: 700, roles: {}, period: 'daily' as const, limitMessage: 'Audit limit.', onExhausted: 'message' as const };
		const rollover = { capTokens: 300, capPercent: null, expiresAfterPeriods: 2 };
		const rules = { enabled: true, referrerTokens: 300, referredTokens: 200, requirePurchase: false, expiresDays: 30, dailyLimit: 5 };
		const saves: [string, string | null, () => Promise<{ changed: boolean }>][] = [
			['rates.feature_saved', 'audit_same', () => saveFeature(db, byQuota, feature)],
			['rates.module_saved', 'audit_mod', () => saveModule(db, byQuota, { key: 'audit_mod', name: 'Audit module', limitMessage: 'Used up.', onExhausted: 'message' })],
			['rates.model_saved', 'audit-model', () => saveModel(db, byQuota, { key: 'audit-model', name: 'Audit model', engine: 'audit' })],
			['limits.module_saved', 'chat', () => saveLimits(db, byQuota, limits)],
			['limits.rollover_saved', 'chat', () => saveRollover(db, byQuota, { module: 'chat', rollover })],
			['referrals.settings_saved', null, () => setReferralRules(db, byQuota, rules)]
		];
		for (const [action, target, save] of saves) {
			const count = async () => (await listAudit(db.orm, { action })).rows.filter((r) => r.targetId === target).length;
			await save();
			const logged = await count();
			expect(await save(), action).toMatchObject({ changed: false });
			expect(await count(), action).toBe(logged);
		}
		// A change after them is one entry, answered changed.
		expect(await saveFeature(db, byQuota, { ...feature, tokensPerUnit: 3 })).toMatchObject({ changed: true, value: { tokensPerUnit: 3 } });
		expect(await entriesOf('rates.feature_saved', 'audit_same')).toHaveLength(2);
	});

	it('the Action filter "any but signing in and out" keeps every other entry, failed sign-ins included, and none of the sign-ins and sign-outs', async () => {
		const target = `sessions-${backend}-${Date.now()}`;
		for (const action of ['auth.signin', 'auth.signout', 'auth.signin_failed', 'balance.adjusted'] as const) await audit(db.orm, { action, targetType: 'test', targetId: target });
		const kept = (await listAudit(db.orm, { action: ALL_BUT_SESSIONS }, 500)).rows.filter((r) => r.targetId === target).map((r) => r.action);
		expect(kept.sort()).toEqual(['auth.signin_failed', 'balance.adjusted']);
		// Every action alone still filters to itself.
		expect((await entriesOf('auth.signin', target)).map((r) => r.action)).toEqual(['auth.signin']);
	});

	it('a feature added says its key and module', async () => {
		await saveFeature(db, byQuota, { key: 'audit_reply', name: 'Audit reply', module: 'chat', unit: 'word', tokensPerUnit: 2 }, true);
		const [entry] = await entriesOf('rates.feature_saved', 'audit_reply');
		expect(entry!.words.title).toBe('Feature added');
		expect(entry!.words.lines.filter((l) => ['Key', 'Module'].includes(l.label)).map((l) => [l.label, 'text' in l.value ? l.value.text : null])).toEqual([
			['Key', 'audit_reply'],
			['Module', expect.any(String)]
		]);
	});
});
