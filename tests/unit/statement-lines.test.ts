import { describe, expect, it } from 'vitest';
import { statementDetail, statementTitle, unmovedUses } from '../../src/lib/client/statement-lines';
import type { StatementRow } from '../../src/lib/client/api-types';

const purchase = (over: Partial<StatementRow>): StatementRow => ({
	id: '00000000-0000-4000-8000-000000000001', at: '2026-12-05T00:00:00.000Z', kind: 'grant', tokens: 5000, balanceAfter: 5000,
	source: 'purchase', note: 'Token pack', cause: null, reason: null, model: null, modelName: null, feature: null, featureName: null,
	allowanceTokens: 0, expiresAt: null, endedEarly: false, unlimited: false, atEndDate: false, actorName: null, ...over
});

describe("a team statement's purchase says who bought it", () => {
	it('names the buyer on a pool, not on a user’s own account', () => {
		expect(statementDetail(purchase({ actorName: 'Maya Lee' }), { team: true }).filter(Boolean)).toEqual(['Purchased', 'bought by Maya Lee', 'never expires']);
		expect(statementDetail(purchase({ actorName: 'Maya Lee' }), { team: false }).filter(Boolean)).toEqual(['Purchased', 'never expires']);
	});
	it('says a buyer not kept as such; a renewal or an auto top-up had none', () => {
		expect(statementDetail(purchase({}), { team: true })).toContain('buyer not recorded');
		expect(statementDetail(purchase({ source: 'subscription', note: 'Monthly plan · renewal' }), { team: true })).not.toContain('buyer not recorded');
		expect(statementDetail(purchase({ note: 'Token pack · auto top-up' }), { team: true })).not.toContain('buyer not recorded');
	});
});

describe("a statement's refund or expiry of a purchase", () => {
	it('names the purchase it took from, as the purchase’s own line is titled, not "Purchased"', () => {
		const refund = purchase({ kind: 'clawback', tokens: -10_000, note: 'Token pack × 2', cause: 'refund' });
		expect(statementTitle(refund)).toBe('Refund');
		expect(statementDetail(refund, { team: false }).filter(Boolean)).toEqual(['Token pack × 2']);
		expect(statementDetail(purchase({ kind: 'expiry', tokens: -500, note: 'Starter bundle', modelName: 'GPT-5 Nano' }), { team: false }).filter(Boolean)).toEqual(['Starter bundle', 'GPT-5 Nano only']);
		// A purchase without its note (none was kept) is still said as one.
		expect(statementDetail(purchase({ kind: 'clawback', tokens: -5, note: null, cause: 'chargeback' }), { team: false }).filter(Boolean)).toEqual(['Purchased']);
	});
});

describe("a statement's grant of tokens ended early", () => {
	it('says "ended early", not "expires" at the minute it was ended', () => {
		const bonus = purchase({ tokens: 1000, source: 'bonus', note: 'Walk bonus', expiresAt: '2026-12-06T17:48:46.244Z', endedEarly: true });
		expect(statementDetail(bonus, { team: false, timeZone: 'UTC' }).filter(Boolean)).toEqual(['Walk bonus', 'ended early']);
		expect(statementDetail({ ...bonus, endedEarly: false }, { team: false, timeZone: 'UTC' }).filter(Boolean)).toEqual(['Walk bonus', 'expires Dec 6, 2026, 17:48 UTC']);
	});
});

describe("a statement's grant of unlimited use", () => {
	it('says until when it runs, as a grant of tokens says when they expire', () => {
		const week = purchase({ tokens: 0, source: 'bonus', note: 'Trial week', unlimited: true, expiresAt: '2026-12-13T23:59:59.999Z' });
		expect(statementDetail(week, { team: false, timeZone: 'UTC' }).filter(Boolean)).toEqual(['Trial week', 'until Dec 13, 2026, 23:59 UTC']);
		expect(statementDetail({ ...week, expiresAt: null }, { team: false, timeZone: 'UTC' }).filter(Boolean)).toEqual(['Trial week', 'no end date']);
		// Ended early, its lot's expiry is the moment someone ended it: the grant says so, not "until" that minute.
		expect(statementDetail({ ...week, endedEarly: true }, { team: false, timeZone: 'UTC' }).filter(Boolean)).toEqual(['Trial week', 'ended early']);
	});
});

describe("a statement's end of unlimited use", () => {
	it('says unlimited use ended, which lot it was and who ended it', () => {
		const ended = purchase({ kind: 'expiry', tokens: 0, source: 'admin', note: 'Tester', modelName: 'GPT-5 Nano', unlimited: true, actorName: 'Ada Admin' });
		expect(statementTitle(ended)).toBe('Unlimited ended');
		expect(statementDetail(ended, { team: false }).filter(Boolean)).toEqual(['Added by an admin: Tester', 'GPT-5 Nano only', 'by Ada Admin']);
		// Unlimited use granted until a date that came: no one ended it, its end date did.
		const atItsDate = { ...ended, actorName: null, atEndDate: true };
		expect(statementTitle(atItsDate)).toBe('Unlimited ended');
		expect(statementDetail(atItsDate, { team: false }).filter(Boolean)).toEqual(['Added by an admin: Tester', 'GPT-5 Nano only', 'at its end date']);
		// An expiry of tokens is no end of unlimited use, whoever is named.
		expect(statementTitle(purchase({ kind: 'expiry', tokens: -50, source: 'bonus' }))).toBe('Expired');
	});
});

describe("the statement's uses that move no balance", () => {
	it('names the unlimited use in force beside the free allowances, and nothing more without it', () => {
		expect(unmovedUses(undefined)).toBe('Uses paid by a free allowance do not change it');
		expect(unmovedUses({ every: false, models: [] })).toBe('Uses paid by a free allowance do not change it');
		expect(unmovedUses({ every: true, models: ['GPT-5 Nano'] })).toBe('Uses paid by a free allowance or under unlimited use of every model do not change it');
		expect(unmovedUses({ every: false, models: ['Claude Haiku', 'GPT-5 Nano'] })).toBe('Uses paid by a free allowance or under unlimited use of Claude Haiku and GPT-5 Nano do not change it');
	});
});
