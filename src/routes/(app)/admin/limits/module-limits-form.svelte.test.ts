// A module's Limits form: each audience chosen in words (tokens, Unlimited, None), what a save sends,
// and a mode switch that never carries one audience's value, least of all "not available", into another's field.
import { describe, expect, it } from 'vitest';
import { ModuleLimitsForm } from './module-limits-form.svelte';
import { previewLines } from '$lib/client/admin/limits';
import type { AdminModuleLimits } from '$lib/client/admin/types';

const roles = [
	{ key: 'admin', name: 'Admin' },
	{ key: 'author', name: 'Author' },
	{ key: 'subscriber', name: 'Member' }
];
const saved = (m: Partial<AdminModuleLimits>): AdminModuleLimits => ({
	module: 'support',
	name: 'Support answers',
	guest: 'none',
	limitType: 'none',
	members: 'none',
	roles: {},
	period: 'daily',
	limitMessage: 'You have used your free support answers for today.',
	onExhausted: 'message',
	...m
});
const said = (f: ModuleLimitsForm) => previewLines(f.shown, (n) => n.toLocaleString('en-US')).map((l) => `${l.who} ${l.says}.`);

describe('a module’s Limits form', () => {
	it('gives only Members free tokens while Admin, Author and any other role pay from their balance', () => {
		const f = new ModuleLimitsForm(saved({}), roles);
		f.limitType = 'role';
		f.roles.subscriber = { choice: 'tokens', text: '1,000' };
		expect(f.slips('l')).toEqual([]);
		expect(f.input()).toMatchObject({ limitType: 'role', members: 'none', roles: { admin: 'none', author: 'none', subscriber: 1000 } });
		expect(said(f)).toEqual([
			'A guest gets no free tokens: they need an account.',
			'A user with the role Admin gets no free tokens: they pay from their balance.',
			'A user with the role Author gets no free tokens: they pay from their balance.',
			'A user with the role Member gets 1,000 free tokens a day.',
			'A user with any other role gets no free tokens: they pay from their balance.'
		]);
	});

	it('says 0 is “not available”, even with a balance, and sends it as 0', () => {
		const f = new ModuleLimitsForm(saved({ limitType: 'general', members: 500 }), roles);
		f.general.text = '0';
		expect(f.input()).toMatchObject({ limitType: 'general', members: 0 });
		expect(said(f)[1]).toBe('A user cannot use Support answers: not available to them, even with a balance.');
	});

	it('goes back to None at any time: nothing of the users’ fields is sent or refused', () => {
		const f = new ModuleLimitsForm(saved({ limitType: 'role', members: 0, roles: { subscriber: 1000 } }), roles);
		f.limitType = 'none';
		f.other.text = '';
		expect(f.slips('l')).toEqual([]);
		expect(f.input()).toMatchObject({ limitType: 'none', members: null, roles: {} });
		expect(said(f).at(-1)).toBe('A user gets no free tokens: they pay from their balance.');
	});

	it('switching from role-based to general keeps no role’s value: the user limit is left to choose when the roles differ, and refused empty', () => {
		const f = new ModuleLimitsForm(saved({ limitType: 'role', members: 0, roles: { subscriber: 1000 } }), roles);
		expect(f.roles).toEqual({ admin: { choice: 'tokens', text: '0' }, author: { choice: 'tokens', text: '0' }, subscriber: { choice: 'tokens', text: '1000' } });
		f.limitType = 'general';
		expect(f.members).toEqual({ choice: 'tokens', text: '' });
		expect(f.slips('l')).toEqual([['l-members', 'Enter a number of tokens (0: not available), or choose Unlimited or None.']]);
		// And back: each role still has what the owner saved.
		f.limitType = 'role';
		expect(f.members).toEqual({ choice: 'tokens', text: '0' });
	});

	it('pre-fills the user limit when every role gets the same, but never with 0 (not available)', () => {
		const same = new ModuleLimitsForm(saved({ limitType: 'role', members: 2000, roles: { author: 2000 } }), roles);
		same.limitType = 'general';
		expect(same.members).toEqual({ choice: 'tokens', text: '2000' });
		const off = new ModuleLimitsForm(saved({ limitType: 'role', members: 0, roles: {} }), roles);
		off.limitType = 'general';
		expect(off.members.text).toBe('');
	});

	it('from general, each role and any other role start with the user limit they get; from None, with None', () => {
		const general = new ModuleLimitsForm(saved({ limitType: 'general', members: null }), roles);
		general.limitType = 'role';
		expect(Object.values(general.roles)).toEqual(roles.map(() => ({ choice: 'unlimited', text: '' })));
		expect(general.members).toEqual({ choice: 'unlimited', text: '' });
		const none = new ModuleLimitsForm(saved({}), roles);
		none.limitType = 'general';
		expect(none.members).toEqual({ choice: 'none', text: '' });
	});

	it('refuses a number that is not whole tokens under its field, and an empty message', () => {
		const f = new ModuleLimitsForm(saved({ limitType: 'general', members: 5 }), roles);
		f.guest = { choice: 'tokens', text: '-5' };
		f.limitMessage = ' ';
		expect(f.slips('l').map(([id]) => id)).toEqual(['l-guest', 'l-message']);
	});
});
