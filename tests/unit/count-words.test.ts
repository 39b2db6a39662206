// Every count the server or a console form words goes through counted/figure (plainFormatter on the
// server): "1,200 times", never "1200 times", and one of a thing is singular ("1 time", "1 user").
import { describe, expect, it } from 'vitest';
import { keptWords } from '../../src/lib/server/store/catalog-admin';
import { inUseWords, upsertFeature } from '../../src/lib/server/ledger/rates';
import { validSteps } from '../../src/lib/server/alerts/steps';
import { validRule, type TopupRuleInput } from '../../src/lib/server/topup/rules';
import { consumeBody } from '../../src/lib/server/rest/schemas';
import { roleHeldWords } from '../../src/lib/server/accounts/roles';
import { describeWait } from '../../src/lib/server/accounts/rate-limit';
import { noCostWords, parseRate } from '../../src/lib/client/admin/rates';
import { expiryWords, readReferralDraft } from '../../src/lib/client/admin/referral-form';
import { unitsRule } from '../../src/lib/client/units-input';
import type { Executor } from '../../src/lib/server/db/client';

const none = { orders: 0, bought: 0, subscriptions: 0, topupRules: 0, topups: 0 };
const pack = { name: 'Token pack', active: true };
const unused = { used: 0, usageDays: 0, holds: 0, refused: 0 };

describe('a count in words, many and one', () => {
	it("a package that stays: the times it was bought, the checkouts opened and not paid, the accounts that top up with it", () => {
		expect(keptWords(pack, { ...none, orders: 1_200, bought: 1_200 })).toContain('was bought 1,200 times:');
		expect(keptWords(pack, { ...none, orders: 1, bought: 1 })).toContain('was bought 1 time:');
		expect(keptWords(pack, { ...none, orders: 2, bought: 1 })).toContain("was bought 1 time (and had 1 checkout opened for it and not paid): its orders, Paddle's records and the buyers' statements name it");
		expect(keptWords(pack, { ...none, orders: 3 })).toContain("had 3 checkouts opened for it and not paid: its orders and Paddle's records name it");
		expect(keptWords(pack, { ...none, topupRules: 1_200 })).toContain('is the package 1,200 accounts top up with');
		expect(keptWords(pack, { ...none, topupRules: 1 })).toContain('is the package 1 account tops up with');
	});

	it('a feature that stays: its uses, holds and refusals', () => {
		expect(inUseWords('Chat', { ...unused, used: 1_200 })).toBe('“Chat” has been used 1,200 times; disable it instead: a disabled feature is refused, and its history and rate stay.');
		expect(inUseWords('Chat', { ...unused, used: 1 })).toContain('has been used 1 time;');
		expect(inUseWords('Chat', { ...unused, holds: 1_200 })).toContain('has 1,200 holds on it');
		expect(inUseWords('Chat', { ...unused, holds: 1 })).toContain('has 1 hold on it');
		expect(inUseWords('Chat', { ...unused, refused: 1_200 })).toContain('has been asked for 1,200 times');
	});

	it("a role that users hold", () => {
		expect(roleHeldWords(1_200, 'Tester')).toBe('1,200 users have the role “Tester”: give them another role first.');
		expect(roleHeldWords(1, 'Tester')).toBe('1 user has the role “Tester”: give them another role first.');
	});

	it('the wait after too many attempts', () => {
		expect(describeWait(1)).toBe('1 second');
		expect(describeWait(75)).toBe('75 seconds');
		expect(describeWait(86_400)).toBe('1,440 minutes');
	});

	it('the bounds a refusal names: a rate, a token step, a trigger, top-ups a month, metadata', async () => {
		const feature = { key: 'chat', name: 'Chat', module: 'chat', unit: 'word' as const, tokensPerUnit: 2_000_000 };
		await expect(upsertFeature(undefined as unknown as Executor, feature)).rejects.toThrow('tokens_per_unit must be above 0 and at most 1,000,000, with at most 4 decimal places.');
		expect(() => validSteps({ shares: [], tokens: [2_000_000_000_000], depleted: true })).toThrow('from 1 to 1,000,000,000,000.');
		const rule: TopupRuleInput = { enabled: true, belowTokens: 1_000, productId: 'tokens-5k', maxPerMonth: 3, maxCentsPerMonth: null, cooldownSeconds: 0 };
		const price = { currency: 'USD', priceCents: 500 };
		expect(() => validRule({ ...rule, belowTokens: 2_000_000_000 }, price)).toThrow('The trigger must be a whole number of tokens from 1 to 1,000,000,000.');
		expect(() => validRule({ ...rule, maxPerMonth: 101 }, price)).toThrow('At most 1 to 100 top-ups a month.');
		const big = consumeBody.safeParse({ user: 'u-1', feature: 'chat', units: 1, metadata: { note: 'x'.repeat(5_000) } });
		expect(big.error?.issues.map((i) => i.message)).toContain('metadata is limited to 4,096 characters of JSON.');
	});

	it("the console's forms: a rate, a referral's days and daily users, units", () => {
		expect(parseRate('2000000')).toEqual({ ok: false, error: 'Tokens per unit: above 0, at most 1,000,000, with at most 4 decimal places.' });
		expect(noCostWords('0')).toBe('No cost to show until the rate is above 0, at most 1,000,000, with at most 4 decimal places.');
		expect(expiryWords('1,200')).toBe('lasting 1,200 days');
		expect(expiryWords('1')).toBe('lasting 1 day');
		expect(unitsRule()).toBe('Units must be a whole number from 1 to 1,000,000,000.');
		const draft = { enabled: true, referrerTokens: '500', referredTokens: '300', requirePurchase: false, expiresDays: '9999', dailyLimit: '0' };
		expect(readReferralDraft(draft)).toMatchObject({ problems: { expiresDays: 'A whole number of days from 1 to 3,650, or empty for never.', dailyLimit: 'A whole number of new users from 1 to 1,000.' } });
	});
});
