import { describe, expect, it } from 'vitest';
import { capWords, clearedWords, recordWords, stateWords, switchLimit, topupProblems, type AccountTopup, type TopupPackage } from '../../src/lib/client/topup';
import { dateTime } from '../../src/lib/client/format';

const pack: TopupPackage = { id: 'tokens-5k', name: 'Token pack', tokens: 5_000, priceCents: 500, currency: 'USD', maxMoneyMinor: 100_000_000 };
const rule = { enabled: true, belowTokens: 5_000, productId: 'tokens-5k', maxPerMonth: 3, maxCentsPerMonth: 2_000, cooldownSeconds: 3_600, offReason: null, currency: 'USD' };
const account = (over: Partial<AccountTopup>): AccountTopup => ({
	accountId: 'a',
	kind: 'user',
	name: 'Personal',
	rule,
	available: 7_500,
	state: 'armed',
	heldBack: null,
	chargeable: true,
	month: { count: 0, cents: 0, topups: [] },
	...over
});

describe('auto top-up in words (Settings and the dashboard)', () => {
	it('names the next trigger point: how many tokens until available falls below the trigger', () => {
		expect(stateWords(account({}), 'UTC')).toBe('Next top-up when available tokens fall below 5,000: 2,501 tokens from now.');
		// At the trigger exactly, one more token crosses it.
		expect(stateWords(account({ available: 5_000 }), 'UTC')).toBe('Next top-up when available tokens fall below 5,000: 1 token from now.');
		expect(stateWords(account({ available: 4_999 }), 'UTC')).toBe('Below 5,000 now: a top-up starts in a moment.');
	});

	it('says what holds a top-up back, and why a rule is off', () => {
		expect(stateWords(account({ state: 'served', available: 3_000 }), 'UTC')).toMatch(/^Acted on while below 5,000\. The next top-up comes once available tokens are back at 5,000 or more/);
		expect(stateWords(account({ state: 'held', available: 3_000, heldBack: { reason: 'count_cap', until: null } }), 'UTC')).toBe("Held: this month's 3 top-ups are used. It tops up again next month.");
		expect(stateWords(account({ state: 'held', available: 3_000, heldBack: { reason: 'count_cap', until: null }, rule: { ...rule, maxPerMonth: 1 } }), 'UTC')).toBe("Held: this month's 1 top-up is used. It tops up again next month.");
		expect(stateWords(account({ state: 'held', available: 3_000, heldBack: { reason: 'money_cap', until: null } }), 'UTC')).toBe("Held: another top-up would pass this month's limit of $20.00. It tops up again next month.");
		// In the rule's own currency, whether or not its package is still for sale.
		expect(stateWords(account({ state: 'held', available: 3_000, heldBack: { reason: 'money_cap', until: null }, rule: { ...rule, maxCentsPerMonth: 1_100, currency: 'JPY' } }), 'UTC')).toBe("Held: another top-up would pass this month's limit of ¥1,100. It tops up again next month.");
		const now = Date.parse('2026-11-30T12:00:00Z');
		expect(stateWords(account({ state: 'held', available: 3_000, heldBack: { reason: 'cooldown', until: '2026-11-30T12:45:00Z' } }), 'UTC', now)).toMatch(/^Held: cooling down for 45 min \(until .*12:45\)\.$/);
		expect(stateWords(account({ state: 'off', rule: { ...rule, enabled: false, offReason: 'The last top-up payment was declined.' } }), 'UTC')).toBe('The last top-up payment was declined.');
		expect(stateWords(account({ state: 'off', rule: null }), 'UTC')).toBe('Off. Tokens are only bought when you buy them.');
	});

	it('states the caps and this month’s records', () => {
		expect(capWords(rule, 'USD')).toBe('At most 3 top-ups a month and $20.00 a month, at least 1 h apart.');
		expect(capWords({ ...rule, maxPerMonth: 1, maxCentsPerMonth: null, cooldownSeconds: 0 }, 'USD')).toBe('At most 1 top-up a month.');
		const t = { id: 't', createdAt: '2026-11-30T12:00:00Z', productName: 'Token pack', tokens: 5_000, amountCents: 500, currency: 'USD', boughtAt: null };
		expect(recordWords({ ...t, status: 'charged', orderStatus: 'completed' })).toBe('Charged · tokens added');
		expect(recordWords({ ...t, status: 'charged', orderStatus: 'pending' })).toBe('Charged · waiting for Paddle');
		expect(recordWords({ ...t, status: 'notice', orderStatus: null })).toBe('Notice sent');
		// Bought from its notice: the time it was paid, in the app's zone as the card's dates.
		expect(recordWords({ ...t, status: 'charged', orderStatus: 'completed', boughtAt: '2026-11-30T12:52:00Z' })).toBe(`Bought ${dateTime('2026-11-30T12:52:00Z')}`);
		expect(recordWords({ ...t, status: 'declined', orderStatus: 'failed' })).toBe('Declined');
	});
});

describe('the auto top-up form says each slip beside its field', () => {
	const limits = { maxBelowTokens: 1_000_000_000, maxPerMonth: 100, maxMoneyPerMonth: 1_000_000, maxCooldownSeconds: 30 * 86_400 };
	const draft = { belowTokens: 1_000, maxPerMonth: 3, maxMoney: null };

	it('finds nothing in a rule that can be saved', () => {
		expect(topupProblems(draft, pack, limits)).toEqual({});
		expect(topupProblems({ ...draft, maxPerMonth: null, maxMoney: 5 }, pack, limits)).toEqual({});
	});

	it('names every field that is wrong at once, each in its own words', () => {
		expect(topupProblems({ belowTokens: 0, maxPerMonth: 101, maxMoney: 4.99 }, undefined, limits)).toEqual({
			below: 'The trigger is a whole number of tokens from 1 to 1,000,000,000.',
			pack: 'Choose a package.',
			count: 'A whole number of top-ups from 1 to 100, or empty for no limit.'
		});
		// What the browser could not read (NaN) is a slip, not an empty field.
		expect(topupProblems({ belowTokens: Number.NaN, maxPerMonth: Number.NaN, maxMoney: Number.NaN }, pack, limits)).toEqual({
			below: 'The trigger is a whole number of tokens from 1 to 1,000,000,000.',
			count: 'A whole number of top-ups from 1 to 100, or empty for no limit.',
			money: 'An amount more than zero, or empty for no limit.'
		});
	});

	it('holds the amount between one package and the most the server takes, and asks for one cap at least', () => {
		expect(topupProblems({ ...draft, maxMoney: 4.99 }, pack, limits).money).toBe('Less than one package ($5.00): no top-up could be made.');
		expect(topupProblems({ ...draft, maxMoney: 0 }, pack, limits).money).toBe('An amount more than zero, or empty for no limit.');
		expect(topupProblems({ ...draft, maxMoney: 1_000_000.01 }, pack, limits).money).toBe('At most $1,000,000.00 a month, or empty for no limit.');
		expect(topupProblems({ ...draft, maxPerMonth: null, maxMoney: null }, pack, limits)).toEqual({ count: 'Auto top-up needs a monthly limit: a number of top-ups, an amount, or both. Only one may be left empty.' });
	});

	it('counts a yen cap in whole yen: ¥550 is one ¥550 package, ¥5.5 is refused', () => {
		const yen = { ...pack, priceCents: 550, currency: 'JPY' };
		expect(topupProblems({ ...draft, maxMoney: 550 }, yen, limits)).toEqual({});
		expect(topupProblems({ ...draft, maxMoney: 549 }, yen, limits).money).toBe('Less than one package (¥550): no top-up could be made.');
		expect(topupProblems({ ...draft, maxMoney: 5.5 }, yen, limits).money).toBe('JPY has no smaller unit: a whole amount, or empty for no limit.');
		expect(capWords({ enabled: true, belowTokens: 1_000, productId: yen.id, maxPerMonth: null, maxCentsPerMonth: 1_100, cooldownSeconds: 3600, offReason: null, currency: 'JPY' }, 'JPY')).toContain('¥1,100 a month');
	});

	it('holds each package to its own maximum, about a million dollars’ worth in its currency, and to its currency’s digits', () => {
		const yen = { ...pack, priceCents: 550, currency: 'JPY', maxMoneyMinor: 100_000_000 };
		const won = { ...pack, priceCents: 7_000, currency: 'KRW', maxMoneyMinor: 1_000_000_000 };
		// ¥100,000,000 and ₩1,000,000,000, where 1,000,000 of the main unit was about $6,500 and $700.
		expect(topupProblems({ ...draft, maxMoney: 100_000_000 }, yen, limits)).toEqual({});
		expect(topupProblems({ ...draft, maxMoney: 100_000_001 }, yen, limits).money).toBe('At most ¥100,000,000 a month, or empty for no limit.');
		expect(topupProblems({ ...draft, maxMoney: 5_000_000 }, won, limits)).toEqual({});
		expect(topupProblems({ ...draft, maxMoney: 1_000_000_001 }, won, limits).money).toBe('At most ₩1,000,000,000 a month, or empty for no limit.');
		expect(topupProblems({ ...draft, maxMoney: 1_000_000 }, pack, limits)).toEqual({});
		expect(topupProblems({ ...draft, maxMoney: 20.005 }, pack, limits).money).toBe('USD counts to 0.01: at most 2 decimals, or empty for no limit.');
		expect(topupProblems({ ...draft, maxMoney: 20.05 }, pack, limits)).toEqual({});
	});

	it('clears the limit on a switch to a package in another currency, keeps it in the same one, and gives it back on a switch back', () => {
		const limit = { amount: 20, currency: 'USD', cleared: null };
		expect(switchLimit(limit, 'USD')).toBe(limit);
		const yen = switchLimit(limit, 'JPY');
		expect(yen).toEqual({ amount: null, currency: 'JPY', cleared: { amount: 20, currency: 'USD' } });
		expect(clearedWords(yen.cleared!, 'JPY')).toBe('Cleared: the limit was $20.00, and this package is priced in JPY. Type a limit in JPY, or leave it empty (choose a USD package again for $20.00).');
		expect(switchLimit(yen, 'EUR')).toEqual({ amount: null, currency: 'EUR', cleared: { amount: 20, currency: 'USD' } });
		expect(switchLimit(yen, 'USD')).toEqual({ amount: 20, currency: 'USD', cleared: null });
		// A limit typed in the new currency is the member's: a switch clears that one instead.
		expect(switchLimit({ ...yen, amount: 3_000 }, 'USD')).toEqual({ amount: null, currency: 'USD', cleared: { amount: 3_000, currency: 'JPY' } });
		expect(switchLimit({ amount: null, currency: 'USD', cleared: null }, 'JPY')).toEqual({ amount: null, currency: 'JPY', cleared: null });
	});
});
