import { describe, expect, it } from 'vitest';
import { limitChoice, limitDraft, LOW_SHARE_RULE, parseCap, parseLowShare, previewLines, readLimit, runOutWords, siteSettingsSaid, typedLimit, UNSET_LIMIT, ZONE_TOLD_HINT, type LimitsForm } from '../../src/lib/client/admin/limits';
import { NO_LIMIT_CHOSEN } from '../../src/lib/limit-choice';

const fmt = (n: number) => n.toLocaleString('en-US');
const typed = (text: string) => readLimit({ choice: 'tokens', text });
const tokensDraft = (text: string) => ({ choice: 'tokens' as const, text });

describe('a limit field', () => {
	it('reads 0 as not available and a number with separators as tokens', () => {
		expect(typed('0')).toEqual({ ok: true, value: 0 });
		expect(typed('2,000')).toEqual({ ok: true, value: 2000 });
		expect(typed('10 000')).toEqual({ ok: true, value: 10000 });
	});
	it('is unlimited or none only when chosen so, whatever the number says, and sends them in those words', () => {
		expect(readLimit({ choice: 'unlimited', text: '' })).toEqual({ ok: true, value: null });
		expect(readLimit({ choice: 'unlimited', text: '500' })).toEqual({ ok: true, value: null });
		expect(readLimit({ choice: 'none', text: '500' })).toEqual({ ok: true, value: 'none' });
		expect(limitChoice(null)).toBe('unlimited');
		expect(limitChoice('none')).toBe('none');
		expect(limitChoice(0)).toBe(0);
	});
	it('refuses an empty number of free tokens, saying how to choose another', () => {
		expect(typed('')).toEqual({ ok: false, error: NO_LIMIT_CHOSEN });
		expect(typed('  ')).toEqual({ ok: false, error: NO_LIMIT_CHOSEN });
		expect(NO_LIMIT_CHOSEN).toMatch(/Unlimited or None/);
	});
	it('refuses what is not a whole number of tokens', () => {
		for (const bad of ['-5', 'ten', '1e3', '12abc']) expect(typed(bad).ok).toBe(false);
	});
	it('starts from what is saved: unlimited, none, a number, or (nothing to start from) tokens left empty to be chosen', () => {
		expect(limitDraft(null)).toEqual({ choice: 'unlimited', text: '' });
		expect(limitDraft('none')).toEqual({ choice: 'none', text: '' });
		expect(limitDraft(2000)).toEqual({ choice: 'tokens', text: '2000' });
		expect(limitDraft(0)).toEqual({ choice: 'tokens', text: '0' });
		expect(limitDraft(undefined)).toEqual({ choice: 'tokens', text: '' });
	});
});

describe('a site default cap field', () => {
	it('reads blank as no cap and a number as tokens', () => {
		expect(parseCap('')).toEqual({ ok: true, value: null });
		expect(parseCap('5,000')).toEqual({ ok: true, value: 5000 });
		expect(parseCap('lots').ok).toBe(false);
	});

	it('says what is wrong as the form shows it: not an amount is the rule, too many digits the maximum (not "not a whole number")', () => {
		for (const typed of ['lots', '-1', '1.5']) expect(parseCap(typed), typed).toEqual({ ok: false, error: 'A daily cap is a whole number of tokens, or empty for none.' });
		expect(parseCap('99999999999999999999')).toEqual({ ok: false, error: 'A daily cap is at most 1,000,000,000,000 tokens.' });
	});
});

describe('the preview sentence', () => {
	const base: LimitsForm = { name: 'Chatbot', guest: 2000, limitType: 'general', members: 10000, roles: [], period: 'daily', onExhausted: 'message' };
	const said = (f: LimitsForm) => previewLines(f, fmt).map((l) => `${l.who} ${l.says}.`);
	it('says what a guest and a member get with a general limit, and what happens when their free tokens run out', () => {
		expect(said(base)).toEqual(['A guest gets 2,000 free tokens a day.', 'A user gets 10,000 free tokens a day.']);
		expect(runOutWords(base)).toBe('When the free tokens run out and no balance is left: the limit message shows.');
		expect(runOutWords({ ...base, onExhausted: 'inactive' })).toBe('When the free tokens run out and no balance is left: Chatbot shows as inactive.');
	});
	it('names each role, and the limit of any other role, when role-based', () => {
		const f: LimitsForm = { ...base, guest: 0, limitType: 'role', roles: [{ name: 'Author', limit: 20000 }, { name: 'Senior editor', limit: null }], period: 'weekly' };
		expect(said(f)).toEqual([
			'A guest cannot use Chatbot: not available to them, even with a balance.',
			'A user with the role Author gets 20,000 free tokens a week.',
			'A user with the role Senior editor gets unlimited free use.',
			'A user with any other role gets 10,000 free tokens a week.'
		]);
		expect(runOutWords(f)).toBe('When the free tokens of a user with the role Author and a user with any other role run out and no balance is left: the limit message shows.');
	});
	it('says a limit typed wrong is not valid, in the words of the field’s refusal, never that there is no limit', () => {
		for (const bad of ['-5', '1.5', 'ten', '12abc']) {
			const draft = tokensDraft(bad);
			const refusal = readLimit(draft);
			expect(refusal.ok).toBe(false);
			const [guest] = said({ ...base, guest: typedLimit(draft) });
			expect(guest).toBe('A guest has a limit that is not valid: a whole number of tokens (0: not available), or choose Unlimited or None.');
			expect(guest!.toLowerCase()).toContain(!refusal.ok && refusal.error.replace(/\.$/, '').toLowerCase());
			expect(guest).not.toMatch(/no limit|unlimited free|gets/);
			expect(runOutWords({ ...base, guest: typedLimit(draft), members: typedLimit(draft) })).toBeNull();
		}
		// Past the ledger's maximum: the refusal's own words again.
		const huge = tokensDraft('9'.repeat(30));
		const refusal = readLimit(huge);
		expect(said({ ...base, members: typedLimit(huge) })[1]).toBe(`A user has a limit that is not valid: ${!refusal.ok && refusal.error.charAt(0).toLowerCase() + refusal.error.slice(1, -1)}.`);
	});
	it('reads an empty field as not set yet, a number, Unlimited or None as itself, and anything else as not valid', () => {
		expect(typedLimit(tokensDraft(' '))).toBeUndefined();
		expect(typedLimit(tokensDraft('2,000'))).toBe(2000);
		expect(typedLimit({ choice: 'unlimited', text: 'ten' })).toBeNull();
		expect(typedLimit({ choice: 'none', text: 'ten' })).toBe('none');
		expect(typedLimit(tokensDraft('-5'))).toEqual({ invalid: 'A whole number of tokens (0: not available), or choose Unlimited or None.' });
	});
	it('says a limit left empty is not set yet, promising nothing, in a sentence of its own', () => {
		expect(said({ ...base, guest: undefined, members: undefined })).toEqual([
			'A guest has no limit set yet: enter a number of tokens (0: not available), or choose Unlimited or None.',
			'A user has no limit set yet: enter a number of tokens (0: not available), or choose Unlimited or None.'
		]);
		expect(UNSET_LIMIT).not.toMatch(/unlimited free|free use|gets/);
		expect(runOutWords({ ...base, guest: undefined, members: undefined })).toBeNull();
	});
	it('says nothing runs out for an audience that is unlimited, not available (0), none or not set yet, and names who it does run out for', () => {
		for (const onExhausted of ['message', 'inactive'] as const) {
			const outcome = onExhausted === 'message' ? 'the limit message shows' : 'Chatbot shows as inactive';
			expect(runOutWords({ ...base, guest: null, members: null, onExhausted })).toBeNull();
			expect(runOutWords({ ...base, guest: 0, members: null, onExhausted })).toBeNull();
			expect(runOutWords({ ...base, guest: 'none', members: 'none', onExhausted })).toBeNull();
			expect(runOutWords({ ...base, guest: null, members: 500, onExhausted })).toBe(`When the free tokens of a user run out and no balance is left: ${outcome}.`);
			expect(runOutWords({ ...base, guest: 500, members: undefined, onExhausted })).toBe(`When the free tokens of a guest run out and no balance is left: ${outcome}.`);
		}
	});
	it('is true of every audience for every choice of its field: empty, 0, a number, Unlimited, None; message or inactive', () => {
		const choices = [undefined, 0, 750, null, 'none' as const];
		const runsOut = (l: number | null | 'none' | undefined) => typeof l === 'number' && l > 0;
		for (const onExhausted of ['message', 'inactive'] as const)
			for (const guest of choices)
				for (const role of choices)
					for (const members of choices) {
						const f: LimitsForm = { ...base, limitType: 'role', guest, members, roles: [{ name: 'Author', limit: role }], onExhausted };
						const limits = [guest, role, members];
						const lines = said(f);
						lines.forEach((line, i) => {
							const l = limits[i];
							if (l === undefined) expect(line).toMatch(/has no limit set yet/);
							else if (l === null) expect(line).toMatch(/gets unlimited free use\.$/);
							else if (l === 0) expect(line).toMatch(/cannot use Chatbot: not available to them, even with a balance\.$/);
							else if (l === 'none') expect(line).toMatch(i === 0 ? /gets no free tokens: they need an account\.$/ : /gets no free tokens: they pay from their balance\.$/);
							else expect(line).toMatch(/gets 750 free tokens a day\.$/);
						});
						const runOut = runOutWords(f);
						const named = ['a guest', 'a user with the role Author', 'a user with any other role'].filter((_, i) => runsOut(limits[i]));
						if (named.length === 0) expect(runOut).toBeNull();
						else if (named.length === 3) expect(runOut).toMatch(/^When the free tokens run out/);
						else expect(runOut).toMatch(new RegExp(`^When the free tokens of ${named.join(' and ')} run out and no balance is left: `));
						if (runOut) expect(runOut).toMatch(onExhausted === 'message' ? /: the limit message shows\.$/ : /: Chatbot shows as inactive\.$/);
					}
	});
	it('says users without a free allowance pay from their balance, and what "inactive" does once it is empty', () => {
		const none: LimitsForm = { ...base, guest: null, limitType: 'none', period: 'never' };
		expect(said(none)).toEqual(['A guest gets unlimited free use.', 'A user gets no free tokens: they pay from their balance.']);
		expect(runOutWords(none)).toBeNull();
		expect(said({ ...none, onExhausted: 'inactive' })[1]).toBe('A user gets no free tokens: they pay from their balance, and once it is empty Chatbot shows as inactive.');
		// A guest's free tokens still run out; members had none, so they are not among those it is said of.
		expect(runOutWords({ ...none, guest: 100 })).toBe('When the free tokens of a guest run out and no balance is left: the limit message shows.');
	});
});

describe("the site's low balance share", () => {
	it('reads a whole percentage from 1 to 99, with or without %', () => {
		expect(parseLowShare('20')).toEqual({ ok: true, value: 20 });
		expect(parseLowShare(' 5 % ')).toEqual({ ok: true, value: 5 });
		expect(parseLowShare('99%')).toEqual({ ok: true, value: 99 });
	});
	it('refuses anything else with the rule the server keeps', () => {
		for (const bad of ['', '0', '100', '12.5', '-3', 'twenty', '1e1']) expect(parseLowShare(bad), bad).toEqual({ ok: false, error: LOW_SHARE_RULE });
		expect(LOW_SHARE_RULE).toBe('The low balance share is a whole percentage from 1 to 99.');
	});
});

describe("a save of the site's settings", () => {
	it('says nothing changed, or saved; a new zone or week start says when members are told, as the zone field does', () => {
		expect(siteSettingsSaid([])).toBe('Nothing changed: the site settings are as they were.');
		expect(siteSettingsSaid(['lowSharePercent'])).toBe('Site settings saved. Recorded in the audit log.');
		for (const changed of [['timeZone'], ['spendOrder', 'weekStart']]) {
			expect(siteSettingsSaid(changed)).toBe('Site settings saved. Recorded in the audit log. Members whose free allowances now reset at another time are told in 5 minutes.');
		}
		expect(ZONE_TOLD_HINT).toMatch(/^A new zone ends the free allowance windows whose start it moves: their use starts again from zero \(what was used stays in the history\)\. Members whose free allowances then reset at another time are told 5 minutes after you save/);
	});
});
