import { describe, expect, it } from 'vitest';
import { limitChoice, limitDraft, parseCap, previewLines, readLimit, UNREAD_LIMIT } from '../../src/lib/client/admin/limits';
import { NO_LIMIT_CHOSEN } from '../../src/lib/limit-choice';

const fmt = (n: number) => n.toLocaleString('en-US');
const typed = (text: string) => readLimit({ text, unlimited: false });

describe('a limit field', () => {
	it('reads 0 as disabled and a number with separators as tokens', () => {
		expect(typed('0')).toEqual({ ok: true, value: 0 });
		expect(typed('2,000')).toEqual({ ok: true, value: 2000 });
		expect(typed('10 000')).toEqual({ ok: true, value: 10000 });
	});
	it('is unlimited only with Unlimited ticked, whatever the number says, and sends it as "unlimited"', () => {
		expect(readLimit({ text: '', unlimited: true })).toEqual({ ok: true, value: null });
		expect(readLimit({ text: '500', unlimited: true })).toEqual({ ok: true, value: null });
		expect(limitChoice(null)).toBe('unlimited');
		expect(limitChoice(0)).toBe(0);
	});
	it('refuses an empty number without Unlimited, saying how to choose either', () => {
		expect(typed('')).toEqual({ ok: false, error: NO_LIMIT_CHOSEN });
		expect(typed('  ')).toEqual({ ok: false, error: NO_LIMIT_CHOSEN });
		expect(NO_LIMIT_CHOSEN).toMatch(/Unlimited/);
	});
	it('refuses what is not a whole number of tokens', () => {
		for (const bad of ['-5', 'ten', '1e3', '12abc']) expect(typed(bad).ok).toBe(false);
	});
	it('starts from what is saved: unlimited ticked, a number, or (no rule yet) empty to be chosen', () => {
		expect(limitDraft(null)).toEqual({ text: '', unlimited: true });
		expect(limitDraft(2000)).toEqual({ text: '2000', unlimited: false });
		expect(limitDraft(undefined)).toEqual({ text: '', unlimited: false });
	});
});

describe('a site default cap field', () => {
	it('reads blank as no cap and a number as tokens', () => {
		expect(parseCap('')).toEqual({ ok: true, value: null });
		expect(parseCap('5,000')).toEqual({ ok: true, value: 5000 });
		expect(parseCap('lots').ok).toBe(false);
	});
});

describe('the preview sentence', () => {
	const base = { name: 'Chatbot', guest: 2000, members: 10000, roles: [], period: 'daily' as const };
	it('says what a guest and a member get with a general limit', () => {
		expect(previewLines({ ...base, limitType: 'general' }, fmt)).toEqual([
			{ who: 'A guest', gets: '2,000 free tokens a day' },
			{ who: 'A member', gets: '10,000 free tokens a day' }
		]);
	});
	it('names each role, and the limit of any other role, when role-based', () => {
		expect(previewLines({ ...base, guest: 0, limitType: 'role', roles: [{ name: 'Author', limit: 20000 }, { name: 'Senior editor', limit: null }], period: 'weekly' }, fmt)).toEqual([
			{ who: 'A guest', gets: 'nothing: Chatbot is disabled for them' },
			{ who: 'A member with the role Author', gets: '20,000 free tokens a week' },
			{ who: 'A member with the role Senior editor', gets: 'unlimited free use' },
			{ who: 'A member with any other role', gets: '10,000 free tokens a week' }
		]);
	});
	it('promises nothing for a limit typed wrong, not unlimited use', () => {
		expect(previewLines({ ...base, guest: undefined, limitType: 'general', members: undefined }, fmt)).toEqual([
			{ who: 'A guest', gets: UNREAD_LIMIT },
			{ who: 'A member', gets: UNREAD_LIMIT }
		]);
		expect(UNREAD_LIMIT).not.toMatch(/unlimited|free use/);
	});
	it('says members pay from their balance when they have no free allowance', () => {
		expect(previewLines({ ...base, guest: null, limitType: 'none', period: 'never' }, fmt)).toEqual([
			{ who: 'A guest', gets: 'unlimited free use' },
			{ who: 'A member', gets: 'no free tokens: they pay from their balance' }
		]);
	});
});
