import { describe, expect, it } from 'vitest';
import { consoleAccess } from '../../src/lib/client/admin/access';
import { canSave, describeChange, parseBalanceInput } from '../../src/lib/client/admin/balance-edit';
import { figuresSum } from '../../src/lib/client/admin/balance-words';
import { SendOnce } from '../../src/lib/client/admin/send-once';

describe('who sees the admin console', () => {
	it('opens for a confirmed site admin only, and needs a connection for everyone', () => {
		expect(consoleAccess('online', true, true)).toBe('open');
		expect(consoleAccess('online', false, true)).toBe('refused');
		expect(consoleAccess('starting', true, true)).toBe('checking');
		// Offline, nothing is shown: not even to an admin (the data is not on the device).
		expect(consoleAccess('online', true, false)).toBe('offline');
		expect(consoleAccess('offline', true, true)).toBe('offline');
		expect(consoleAccess('no-data', false, true)).toBe('offline');
	});
});

describe('the in-place balance editor', () => {
	it('reads a plain number as "set the general balance to N" and +N / −N as a change', () => {
		expect(parseBalanceInput('1,500', 1000)).toEqual({ mode: 'set', tokens: 1500, delta: 500 });
		expect(parseBalanceInput(' 200 ', 1000)).toEqual({ mode: 'set', tokens: 200, delta: -800 });
		expect(parseBalanceInput('+250', 1000)).toEqual({ mode: 'delta', tokens: 250, delta: 250 });
		expect(parseBalanceInput('−40', 1000)).toEqual({ mode: 'delta', tokens: -40, delta: -40 });
		for (const bad of ['', 'abc', '1.5', '--3', '12345678901234567', '+']) expect(parseBalanceInput(bad, 0), bad).toBeNull();
	});

	it('says what saving does to the ledger: a raise grants an admin lot, a cut debits through the spend order', () => {
		expect(describeChange(parseBalanceInput('1500', 1000), 1000)).toBe('Grants an admin lot of 500 general tokens (it never expires): general balance 1000 → 1500.');
		expect(describeChange(parseBalanceInput('-300', 1000), 1000)).toBe('Debits 300 tokens through the spend order (soonest-expiring lots first): general balance 1000 → 700.');
		expect(describeChange(parseBalanceInput('1000', 1000), 1000)).toBe('No change: the general balance is already 1000.');
		expect(describeChange(parseBalanceInput('-1001', 1000), 1000)).toBe('Cannot take 1001: the general balance is 1000.');
		expect(describeChange(null, 1000)).toMatch(/^Type a number/);
	});

	it('sends only a real change with a reason that keeps the balance at or above zero', () => {
		expect(canSave(parseBalanceInput('+5', 0), 0, 'Goodwill')).toBe(true);
		expect(canSave(parseBalanceInput('+5', 0), 0, '  ')).toBe(false);
		expect(canSave(parseBalanceInput('0', 0), 0, 'Nothing')).toBe(false);
		expect(canSave(parseBalanceInput('-1', 0), 0, 'Below zero')).toBe(false);
		expect(canSave(null, 0, 'No number')).toBe(false);
	});

	it('takes its own pre-fill past MAX_TOKENS: a change is at most MAX_TOKENS either way, and setting 0 always works', () => {
		const big = 1_500_000_000_000; // two lots: a balance may be past MAX_TOKENS
		const fmt = (n: number) => n.toLocaleString('en-US');
		expect(parseBalanceInput(fmt(big), big)).toEqual({ mode: 'set', tokens: big, delta: 0 });
		expect(describeChange(parseBalanceInput(fmt(big), big), big, fmt)).toBe('No change: the general balance is already 1,500,000,000,000.');
		expect(canSave(parseBalanceInput(fmt(big - 5), big), big, 'Correction')).toBe(true);
		expect(describeChange(parseBalanceInput(fmt(big - 5), big), big, fmt)).toBe('Debits 5 tokens through the spend order (soonest-expiring lots first): general balance 1,500,000,000,000 → 1,499,999,999,995.');
		// Emptying is one change of the admin's, however many lots its debits take.
		expect(canSave(parseBalanceInput('0', big), big, 'Closed')).toBe(true);
		expect(describeChange(parseBalanceInput('0', big), big, fmt)).toBe('Debits 1,500,000,000,000 tokens through the spend order (soonest-expiring lots first): general balance 1,500,000,000,000 → 0.');
		// Up or down by exactly MAX_TOKENS goes; one token more is said, with the change and the limit, and not sent.
		expect(canSave(parseBalanceInput(fmt(big + 1e12), big), big, 'Up')).toBe(true);
		expect(canSave(parseBalanceInput(fmt(big - 1e12), big), big, 'Down')).toBe(true);
		for (const [typed, change] of [[fmt(big + 1e12 + 1), '+1,000,000,000,001'], ['1', '−1,499,999,999,999']] as const) {
			expect(canSave(parseBalanceInput(typed, big), big, 'Too far'), typed).toBe(false);
			expect(describeChange(parseBalanceInput(typed, big), big, fmt), typed).toBe(`That is a change of ${change} tokens; one change is at most 1,000,000,000,000 tokens either way. Change it in steps, or set it to 0 to empty the account.`);
		}
		// "Change by" stays within MAX_TOKENS either way.
		expect(parseBalanceInput('+1,000,000,000,001', big)).toBeNull();
		expect(canSave(parseBalanceInput('−1,000,000,000,000', big), big, 'Down')).toBe(true);
	});
});

describe('a write sent once', () => {
	it('gives a second press while sending the same answer, without sending again', async () => {
		const sent: string[] = [];
		let finish!: (v: string) => void;
		const once = new SendOnce<{ n: number }, string>((_input, key) => {
			sent.push(key);
			return new Promise((resolve) => (finish = resolve));
		}, (() => { let i = 0; return () => `key-${++i}`; })());
		const first = once.submit({ n: 1 });
		const second = once.submit({ n: 1 });
		expect(once.busy).toBe(true);
		finish('done');
		expect(await first).toBe('done');
		expect(await second).toBe('done');
		expect(sent).toEqual(['key-1']);
	});

	it('retries a failed attempt with the same key (the server may have applied it), and a new request with a new key', async () => {
		const sent: string[] = [];
		let fail = true;
		let n = 0;
		const once = new SendOnce<{ tokens: number }, number>(async (input, key) => {
			sent.push(`${input.tokens}:${key}`);
			if (fail) throw new TypeError('Failed to fetch');
			return input.tokens;
		}, () => `key-${++n}`);
		await expect(once.submit({ tokens: 5 })).rejects.toThrow('Failed to fetch');
		fail = false;
		expect(await once.submit({ tokens: 5 })).toBe(5);
		expect(await once.submit({ tokens: 6 })).toBe(6);
		expect(sent).toEqual(['5:key-1', '5:key-1', '6:key-2']);
	});
});

describe('a user’s figures in full on their console page', () => {
	it('sums the account’s own figures: available is the balance plus the free tokens left', () => {
		expect(figuresSum('Leo Martin', { available: 26_350, balance: 1_600, held: 0, heldFrom: { lots: 0, allowances: 0 }, anyUnlimited: false })).toBe('Leo Martin: 26,350 available = 1,600 balance + 24,750 free tokens left.');
		expect(figuresSum('Acme Studio', { available: 96_900, balance: 96_900, held: 1, heldFrom: { lots: 0, allowances: 0 }, anyUnlimited: true })).toBe(
			'Acme Studio: 96,900 available = 96,900 balance + 0 free tokens left. 1 held by running jobs, all from unlimited tokens, already taken off these figures. Its unlimited tokens add nothing countable to either.'
		);
	});

	it('says where the tokens running jobs hold came from: a hold the free allowance paid left the balance as it was', () => {
		// Maya's page said "The balance is after the 3,000 tokens running jobs hold" of a hold the Chatbot allowance paid whole.
		expect(figuresSum('Maya', { available: 103_008, balance: 83_384, held: 3_000, heldFrom: { lots: 0, allowances: 3_000 }, anyUnlimited: false })).toBe(
			'Maya: 103,008 available = 83,384 balance + 19,624 free tokens left. 3,000 held by running jobs, all from free allowances, already taken off these figures.'
		);
		expect(figuresSum('Leo', { available: 900, balance: 500, held: 1_500, heldFrom: { lots: 1_000, allowances: 500 }, anyUnlimited: false })).toBe(
			'Leo: 900 available = 500 balance + 400 free tokens left. 1,500 held by running jobs: 1,000 from the balance, 500 from free allowances, already taken off these figures.'
		);
	});
});
