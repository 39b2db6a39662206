import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { tz } from '@date-fns/tz';
import { format, subDays } from 'date-fns';
import { makeWorld, type World, callerAs, type Caller } from '../helpers/world';
import { expectInvariants, makeUser } from '../helpers/ledger';
import { paddleEventsFor, post, useStoreTestBed } from '../helpers/paddle';
import { setDb } from '../../src/lib/server/db';
import { consume, grant, siteUsage, updateSiteSettings } from '../../src/lib/server/ledger';
import { startCheckout } from '../../src/lib/server/store/orders';
import { outcome } from '../helpers/ledger';

// The Overview's figures: site-wide consumption in the site's own windows, revenue net of refunds,
// and the Paddle events that need a person.
const bed = useStoreTestBed({ withRates: true });
let w: World;
let admin: Caller;

beforeAll(async () => {
	setDb(bed.db);
	w = await makeWorld(bed.db);
	admin = await callerAs(w.auth.siteAdmin, '10.9.0.3');
});

/** A site-local day (YYYY-MM-DD) `daysAgo` before today in `zone`. */
const localDay = (daysAgo: number, zone: string) => format(subDays(new Date(), daysAgo), 'yyyy-MM-dd', { in: tz(zone) });

const use = (accountId: string, feature: string, units: number, at: Date, model?: string) =>
	consume(bed.db.orm, { accountId, feature, units, model, actor: {}, idempotency: { scope: 'overview-test', key: randomUUID() }, effectiveAt: at });

describe('site-wide consumption', () => {
	it('adds up every account’s use per site day, by module and by model, with the top features, models and users', async () => {
		const [ann, bob] = [await makeUser(bed.db), await makeUser(bed.db)];
		for (const u of [ann, bob]) await grant(bed.db.orm, { accountId: u.accountId, tokens: 100_000, source: 'purchase' });
		const now = new Date();
		const twoDaysAgo = subDays(now, 2);
		await use(ann.accountId, 'ai_bots', 400, now, 'gpt-5-nano'); // 1,000 tokens, chat
		await use(bob.accountId, 'generate_texts', 2, now); // 90 tokens, product
		await use(bob.accountId, 'ai_bots', 40, twoDaysAgo, 'gpt-5-nano'); // 100 tokens, chat

		const byModule = await admin.admin.overview.usage({ span: 7, by: 'module' });
		expect(byModule.days).toHaveLength(7);
		expect(byModule.days.at(-1)).toBe(localDay(0, 'UTC'));
		expect(byModule.totals.at(-1)).toBe(1090);
		expect(byModule.totals.at(-3)).toBe(100);
		expect(byModule.totals.reduce((a, b) => a + b, 0)).toBe(1190);
		expect(byModule.series.map((s) => [s.key, s.label, s.tokens])).toEqual([
			['chat', 'Chatbot', 1100],
			['product', 'Product generator', 90]
		]);
		expect(byModule.series[0]!.perDay.at(-3)).toBe(100);
		expect(byModule.top.features.map((f) => [f.key, f.tokens, f.operations])).toEqual([
			['ai_bots', 1100, 2],
			['generate_texts', 90, 1]
		]);
		expect(byModule.top.users.map((u) => [u.key, u.tokens])).toEqual([
			[ann.userId, 1000],
			[bob.userId, 190]
		]);

		const byModel = await admin.admin.overview.usage({ span: 30, by: 'model' });
		expect(byModel.days).toHaveLength(30);
		expect(byModel.series.map((s) => [s.key, s.label, s.tokens])).toEqual([
			['gpt-5-nano', 'GPT-5 Nano', 1100],
			['', 'No particular model', 90]
		]);

		const totals = await admin.admin.overview.get();
		expect(totals.usage.today).toEqual({ tokens: 1090, operations: 2, activeUsers: 2 });
		expect(totals.usage.month.tokens).toBeGreaterThanOrEqual(now.getUTCDate() >= 3 ? 1190 : 1090);
		await expectInvariants(bed.db);
	});

	it('ends each top list with the rest, so every list adds up to the span’s total and a share reads the same in each', async () => {
		// A team pool spent with no user named: no top user, so it is in "Everyone else".
		await grant(bed.db.orm, { accountId: w.teamA.accountId, tokens: 10_000, source: 'purchase' });
		await use(w.teamA.accountId, 'ai_bots', 37, new Date(), 'gpt-5-nano');
		const usage = await admin.admin.overview.usage({ span: 7, by: 'module' });
		const whole = usage.totals.reduce((a, b) => a + b, 0);
		const sum = (rows: { tokens: number }[]) => rows.reduce((n, r) => n + r.tokens, 0);
		for (const [name, rows] of Object.entries({ series: usage.series, ...usage.top })) expect(sum(rows), name).toBe(whole);
		const rest = usage.top.users.at(-1)!;
		expect([rest.key, rest.label, rest.rest]).toEqual(['(rest)', 'Everyone else', true]);
		expect(rest.tokens).toBeGreaterThanOrEqual(93); // the pool's 37 units of ai_bots
		expect(usage.top.features.some((f) => f.rest)).toBe(false); // two features: nothing left over
		await expectInvariants(bed.db);
	});

	it('counts days in the site’s time zone, not in dates a caller sends', async () => {
		await updateSiteSettings(bed.db.orm, { timeZone: 'Pacific/Kiritimati' });
		try {
			const usage = await admin.admin.overview.usage({ span: 7, by: 'module' });
			expect(usage.days.at(-1)).toBe(localDay(0, 'Pacific/Kiritimati'));
			const totals = await admin.admin.overview.get();
			expect(totals.usage.monthFirstDay).toBe(`${localDay(0, 'Pacific/Kiritimati').slice(0, 7)}-01`);
		} finally {
			await updateSiteSettings(bed.db.orm, { timeZone: 'UTC' });
		}
	});

	it('refuses a span other than 7, 30 or 90 days', async () => {
		const refused = await admin.admin.overview.usage({ span: 14 as 7, by: 'module' }).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(TRPCError);
		expect((refused as TRPCError).code).toBe('BAD_REQUEST');
		expect(await outcome(siteUsage(bed.db.orm, { span: 365, by: 'model' }))).toBe('invalid_input');
	});
});

describe('revenue and open flags', () => {
	it('shows this month’s revenue gross and net of refunds per currency, and the Paddle events that need a person', async () => {
		const before = await admin.admin.overview.get();
		const usd = (o: typeof before) => o.revenue.month.find((r) => r.currency === 'USD') ?? { grossCents: 0, refundedCents: 0, chargedBackCents: 0, netCents: 0, purchases: 0 };
		const u = await makeUser(bed.db);
		const bought = await startCheckout(bed.db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 3 });
		const events = await paddleEventsFor(bed.db, bought, 'tokens-5k', 3);
		expect((await post(bed.hook.url, events.completed())).body.outcome).toBe('processed');
		const kept = await startCheckout(bed.db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'gpt-5-nano-50k', quantity: 1 });
		expect((await post(bed.hook.url, (await paddleEventsFor(bed.db, kept, 'gpt-5-nano-50k')).completed())).body.outcome).toBe('processed');
		const refund = events.refund();
		await post(bed.hook.url, refund);
		await post(bed.hook.url, { ...refund, event_id: `evt_${randomUUID()}`, event_type: 'adjustment.created' }); // the same adjustment again

		// An unknown price id and an unusable (but signed) body: both need an admin.
		const stray = await startCheckout(bed.db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 1 });
		const unknownPrice = JSON.parse(JSON.stringify((await paddleEventsFor(bed.db, stray, 'tokens-5k')).completed()).replaceAll('pri_quota_demo_tokens_5k', 'pri_gone_from_catalog'));
		expect((await post(bed.hook.url, unknownPrice)).body.outcome).toBe('flagged');
		await post(bed.hook.url, { hello: 'not a Paddle event' });

		const after = await admin.admin.overview.get();
		expect(usd(after).grossCents - usd(before).grossCents).toBe(3 * 500 + 2_000);
		expect(usd(after).refundedCents - usd(before).refundedCents).toBe(3 * 500); // once, though sent twice
		expect(usd(after).netCents - usd(before).netCents).toBe(2_000);
		expect(usd(after).purchases - usd(before).purchases).toBe(2);
		expect(after.revenue.today.find((r) => r.currency === 'USD')).toMatchObject({ purchases: expect.any(Number) });
		expect(after.flags.unknownPrice - before.flags.unknownPrice).toBe(1);
		expect(after.flags.rejected - before.flags.rejected).toBe(1);
		expect(after.flags.newest[0]).toMatchObject({ outcome: 'rejected' });
		expect(after.flags.newest[1]).toMatchObject({ outcome: 'flagged', note: expect.stringContaining('unknown price id pri_gone_from_catalog') });
		await expectInvariants(bed.db);
	});
});
