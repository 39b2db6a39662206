import { describe, expect, it } from 'vitest';
import { Saving } from './saving.svelte';
import { TRPCClientError } from '@trpc/client';

describe('a settings form’s save', () => {
	it('is busy while it runs, then says it saved and hands back the result', async () => {
		const s = new Saving();
		let finish!: (v: number) => void;
		const run = s.run(() => new Promise<number>((r) => (finish = r)), (n) => `Saved ${n}.`);
		expect(s.busy).toBe(true);
		// A second press while saving sends nothing.
		await expect(s.run(() => Promise.reject(new Error('sent twice')), () => 'no')).resolves.toBeUndefined();
		finish(7);
		await expect(run).resolves.toBe(7);
		expect(s.busy).toBe(false);
		expect(s.message).toEqual({ kind: 'ok', text: 'Saved 7.' });
	});

	it('asks before a removal is confirmed: one that would go may be asked; one that would be refused says why at once', async () => {
		const s = new Saving();
		s.message = { kind: 'ok', text: 'Saved.' };
		let answer!: (words: string | null) => void;
		const asked = s.confirmable(() => new Promise((r) => (answer = r)));
		expect([s.busy, s.message]).toEqual([true, null]);
		// A second press while it asks asks nothing.
		await expect(s.confirmable(() => Promise.reject(new Error('asked twice')))).resolves.toBe(false);
		answer(null);
		await expect(asked).resolves.toBe(true);
		expect([s.busy, s.message]).toEqual([false, null]);
		const kept = '“Chat” has been used 3 times; disable it instead.';
		await expect(s.confirmable(async () => kept)).resolves.toBe(false);
		expect(s.message).toEqual({ kind: 'empty', text: kept });
		await expect(s.confirmable(() => Promise.reject(new Error('No feature has the key “x”.')))).resolves.toBe(false);
		expect(s.message).toEqual({ kind: 'empty', text: 'No feature has the key “x”.' });
	});

	it('shows why a save failed, or why the form cannot be sent yet', async () => {
		const s = new Saving();
		await expect(s.run(() => Promise.reject(new Error('Unknown module.')), () => 'no')).resolves.toBeUndefined();
		expect(s.message).toEqual({ kind: 'empty', text: 'Unknown module.' });
		expect(s.busy).toBe(false);
		s.refuse('Fix the cap first.');
		expect(s.message).toEqual({ kind: 'empty', text: 'Fix the cap first.' });
	});

	it('says what an action did, or why the server refused it, only once the page has read what is current', async () => {
		const s = new Saving();
		const order: string[] = [];
		const reload = async () => {
			order.push(`reload (message: ${s.message?.text ?? 'none'})`);
		};
		await expect(s.act(async () => (order.push('action'), 'Role is now Editor.'), reload)).resolves.toBe('Role is now Editor.');
		expect(order).toEqual(['action', 'reload (message: none)']);
		expect(s.message).toEqual({ kind: 'ok', text: 'Role is now Editor.' });
		// A refusal the page could not foresee (another admin's change meanwhile): the list is read again, then the refusal shown.
		await expect(s.act(() => (order.push('refused'), Promise.reject(new Error('No such role.'))), reload)).resolves.toBeUndefined();
		expect(order.slice(2)).toEqual(['refused', 'reload (message: none)']);
		expect(s.message).toEqual({ kind: 'empty', text: 'No such role.' });
		expect(s.busy).toBe(false);
	});
});

describe('a settings form’s refusal of one field', () => {
	const refusal = (field: string, message: string) => new TRPCClientError(message, { result: { error: { message, code: -32600, data: { fieldErrors: { [field]: [message] } } } } });

	it('is said under that field, which takes the focus, not in the form’s message', async () => {
		const shown: string[] = [];
		const s = new Saving((id) => shown.push(id));
		const fields = { limitMessage: 'limits-chat-message', guest: 'limits-chat-guest' };
		await s.run(() => Promise.reject(refusal('limitMessage', 'Write the limit message.')), () => 'no', fields);
		expect(s.message).toBeNull();
		expect(s.noteOf('limits-chat-message')).toBe('Write the limit message.');
		expect(s.noteOf('limits-chat-guest')).toBeNull();
		expect(shown).toEqual(['limits-chat-message']);
		// A refusal of a field the form does not name, or of none, stays in the message; a new save clears the slip.
		await s.run(() => Promise.reject(refusal('module', 'Unknown module.')), () => 'no', fields);
		expect(s.slips).toEqual([]);
		expect(s.message).toEqual({ kind: 'empty', text: 'Unknown module.' });
	});

	it('found before sending moves the focus to the field, and a later form-wide refusal replaces it', () => {
		const shown: string[] = [];
		const s = new Saving((id) => shown.push(id));
		s.refuseField('site-team-cap', 'A limit must be a whole number of tokens.');
		expect([s.noteOf('site-team-cap'), s.message, shown]).toEqual(['A limit must be a whole number of tokens.', null, ['site-team-cap']]);
		s.refuse('Pick a time zone.');
		expect([s.slips, s.message?.text]).toEqual([[], 'Pick a time zone.']);
	});

	it('of several fields found before sending is said under each of them, the focus on the first', () => {
		const shown: string[] = [];
		const s = new Saving((id) => shown.push(id));
		s.refuseFields([
			['limits-chat-guest', 'A whole number of tokens, 0 to turn it off, or tick Unlimited.'],
			['limits-chat-role-admin', 'A whole number of tokens, 0 to turn it off, or tick Unlimited.']
		]);
		expect([s.noteOf('limits-chat-guest'), s.noteOf('limits-chat-role-admin'), s.noteOf('limits-chat-members')]).toEqual([
			'A whole number of tokens, 0 to turn it off, or tick Unlimited.',
			'A whole number of tokens, 0 to turn it off, or tick Unlimited.',
			null
		]);
		expect(shown).toEqual(['limits-chat-guest']);
		expect(s.describedBy('limits-chat-role-admin', 'hint')).toBe('hint limits-chat-role-admin-note');
	});

	it('of several fields by the server is said under each, in its own words', async () => {
		const s = new Saving(() => undefined);
		const both = new TRPCClientError('Guest: too small. Roles admin: not a number.', {
			result: { error: { message: 'Guest: too small. Roles admin: not a number.', code: -32600, data: { fieldErrors: { guest: ['Guest: too small.'], 'roles.admin': ['Roles admin: not a number.'] } } } }
		});
		await s.run(() => Promise.reject(both), () => 'no', { guest: 'g', members: 'm', 'roles.admin': 'ra' });
		expect([s.noteOf('g'), s.noteOf('ra'), s.noteOf('m'), s.message]).toEqual(['Guest: too small.', 'Roles admin: not a number.', null, null]);
	});
});
