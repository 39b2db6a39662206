// Settings' profile forms: what is wanting is said under its field and nothing is sent; the server's
// refusal of a field goes under that field, any other under the form; a save says what changed.
import { describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { emailChangeSlips, passwordChangeSlips } from './auth-slips';
import { confirmationSent, emailChanged, passwordChanged, ProfileForm, showName } from './profile.svelte';
import { session } from './session.svelte';

/** The server's refusal as the browser's tRPC client gets it (formatError's `data`). */
const refused = (message: string, data: object) => TRPCClientError.from({ error: { message, code: -32603, data: { code: 'FORBIDDEN', httpStatus: 403, ...data } } });

function sender(answer: () => Promise<string>) {
	const sent: object[] = [];
	return { sent, send: (v: object) => (sent.push(v), answer()) };
}

describe("Settings' profile forms", () => {
	it('says what is wanting under each field, focuses the first in the form’s order, and sends nothing', async () => {
		const s = sender(async () => 'done');
		const form = new ProfileForm(emailChangeSlips, s.send);
		expect(await form.submit({ email: 'ada@', currentPassword: '' })).toBe('email');
		expect(form.slips).toEqual({ email: 'Enter a valid email address, like name@example.com.', currentPassword: 'Enter your password.' });
		expect(s.sent).toEqual([]);
		// Editing a field takes back what was said about it, not about the others.
		form.edited('email');
		expect(form.slips).toEqual({ currentPassword: 'Enter your password.' });
	});

	it('sends what will do and says what changed', async () => {
		const s = sender(async () => passwordChanged(2));
		const form = new ProfileForm(passwordChangeSlips, s.send);
		expect(await form.submit({ currentPassword: 'old one', newPassword: 'second pass 2027' })).toBeNull();
		expect(s.sent).toEqual([{ currentPassword: 'old one', newPassword: 'second pass 2027' }]);
		expect(form.message).toEqual({ kind: 'ok', text: 'Password changed. Your 2 other sessions were signed out. You stay signed in on this device.' });
		expect(form.busy).toBe(false);
	});

	it("says one form's answer at a time on the page: the name's 'changed' goes once the password form is sent, and its refusal stands alone", async () => {
		const nameForm = new ProfileForm(() => ({}), async () => 'Name changed to Ada L.');
		const wrong = 'Too many attempts: try again in an hour.';
		const passwordForm = new ProfileForm(passwordChangeSlips, () => Promise.reject(refused(wrong, { domainCode: 'rate_limited' })));
		await nameForm.submit({ name: 'Ada L.' });
		expect(nameForm.message).toEqual({ kind: 'ok', text: 'Name changed to Ada L.' });
		// Sent with a slip only (nothing goes to the server): the name's answer goes all the same.
		await passwordForm.submit({ currentPassword: '', newPassword: '' });
		expect(nameForm.message).toBeNull();
		await nameForm.submit({ name: 'Ada L.' });
		await passwordForm.submit({ currentPassword: 'old one', newPassword: 'second pass 2027' });
		expect([nameForm.message, passwordForm.message]).toEqual([null, { kind: 'empty', text: wrong }]);
	});

	it("takes a form's field refusals away once another form is sent, as its message: the e-mail's wrong password goes when the password form is refused", async () => {
		const wrong = 'That is not your current password.';
		const emailForm = new ProfileForm(emailChangeSlips, () => Promise.reject(refused(wrong, { domainCode: 'forbidden', fieldErrors: { currentPassword: [wrong] } })));
		const passwordForm = new ProfileForm(passwordChangeSlips, async () => 'never sent');
		expect(await emailForm.submit({ email: 'ada@example.com', currentPassword: 'guess 1' })).toBe('currentPassword');
		expect(emailForm.slips).toEqual({ currentPassword: wrong });
		expect(await passwordForm.submit({ currentPassword: 'right 1', newPassword: 'short' })).toBe('newPassword');
		expect(passwordForm.slips).toEqual({ newPassword: 'Use at least 10 characters.' });
		expect(emailForm.slips).toEqual({});
		// Sent again, the e-mail form says its refusal again, and the password form's goes.
		await emailForm.submit({ email: 'ada@example.com', currentPassword: 'guess 2' });
		expect([emailForm.slips, passwordForm.slips]).toEqual([{ currentPassword: wrong }, {}]);
	});

	it("says the server's refusal of a field under that field, in its own words", async () => {
		const wrong = 'That is not your current password.';
		const form = new ProfileForm(emailChangeSlips, () => Promise.reject(refused(wrong, { domainCode: 'forbidden', fieldErrors: { currentPassword: [wrong] } })));
		expect(await form.submit({ email: 'ada@example.com', currentPassword: 'guess 1' })).toBe('currentPassword');
		expect(form.slips).toEqual({ currentPassword: wrong });
		expect(form.message).toBeNull();
		const taken = 'An account with this email already exists.';
		const again = new ProfileForm(emailChangeSlips, () => Promise.reject(refused(taken, { domainCode: 'conflict', fieldErrors: { email: [taken] } })));
		expect(await again.submit({ email: 'maya@quota.test', currentPassword: 'right 1' })).toBe('email');
		expect(again.slips).toEqual({ email: taken });
	});

	it('says a refusal about no field (too many attempts, offline) under the form', async () => {
		const form = new ProfileForm(passwordChangeSlips, () => Promise.reject(refused('Too many attempts. Try again in 12 minutes.', { domainCode: 'rate_limited' })));
		expect(await form.submit({ currentPassword: 'x', newPassword: 'second pass 2027' })).toBeNull();
		expect(form.message).toEqual({ kind: 'empty', text: 'Too many attempts. Try again in 12 minutes.' });
		const offline = new ProfileForm(passwordChangeSlips, () => Promise.reject(new TypeError('Failed to fetch')));
		await offline.submit({ currentPassword: 'x', newPassword: 'second pass 2027' });
		expect(offline.message).toEqual({ kind: 'empty', text: 'You are offline. Try again when you have a connection.' });
	});

	it('words a new password’s sessions and a new address', () => {
		expect(passwordChanged(0)).toBe('Password changed. No other device was signed in. You stay signed in on this device.');
		expect(passwordChanged(1)).toBe('Password changed. Your 1 other session was signed out. You stay signed in on this device.');
		expect(emailChanged('ada@example.com', 'ada.king@example.com')).toBe('Email changed: you now sign in with ada.king@example.com. Open the link we mailed there to confirm it. A notice went to ada@example.com.');
		// An old address never confirmed is mailed nothing (mail/addresses.ts), so nothing is said of it.
		expect(emailChanged(null, 'ada.king@example.com')).toBe('Email changed: you now sign in with ada.king@example.com. Open the link we mailed there to confirm it.');
	});

	it('words what asking for a new confirmation link came to', () => {
		expect(confirmationSent({ sentTo: 'ada.king@example.com' })).toBe('Sent to ada.king@example.com. The link works for 3 days.');
		expect(confirmationSent({ confirmed: true })).toBe('Your address is confirmed already.');
	});

	it('shows a new name in the header at once (the session the layout reads), the same user', async () => {
		session.user = { id: 'u-1', name: 'Leo Martin' };
		await showName('Leo Marvel');
		expect(session.user).toEqual({ id: 'u-1', name: 'Leo Marvel' });
	});
});
