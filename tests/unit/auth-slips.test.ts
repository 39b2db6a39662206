import { describe, expect, it } from 'vitest';
import { emailChangeSlips, forgotSlips, nameSlips, passwordChangeSlips, resetSlips, signInSlips, signUpSlips, valuesOf } from '../../src/lib/client/auth-slips';
import { emailProblem, newPasswordProblem, nameProblem, MAX_NAME } from '../../src/lib/account-fields';
import { emailSchema, nameSchema, passwordSchema } from '../../src/lib/server/accounts/validation';

describe("the sign-in pages' slips", () => {
	it('sign in: an address and some password, each said under its field', () => {
		expect(signInSlips({ email: '', password: '' })).toEqual({ email: 'Enter your email address.', password: 'Enter your password.' });
		expect(signInSlips({ email: 'maya@quota', password: 'x' })).toEqual({ email: 'Enter a valid email address, like name@example.com.' });
		// Any password will do here: the account's own is checked by the server, not the rules for a new one.
		expect(signInSlips({ email: ' Maya@Quota.test ', password: 'short' })).toEqual({});
	});

	it('create an account: a name, an address and a password the server takes', () => {
		expect(signUpSlips({})).toEqual({ name: 'Enter your name.', email: 'Enter your email address.', password: 'Enter a password.' });
		expect(signUpSlips({ name: 'Ada', email: 'ada@example.com', password: 'lettersonly' })).toEqual({ password: 'Add a digit or a symbol: letters alone are easy to guess.' });
		expect(signUpSlips({ name: 'x'.repeat(MAX_NAME + 1), email: 'ada@example.com', password: 'first pass 2026' })).toEqual({ name: 'A name is at most 100 characters (an emoji or a flag counts as one).' });
		expect(signUpSlips({ name: 'Ada', email: 'ada@example.com', password: 'first pass 2026' })).toEqual({});
	});

	it('forgot and reset: an address; a new password', () => {
		expect(forgotSlips({ email: 'ada at example.com' })).toEqual({ email: 'Enter a valid email address, like name@example.com.' });
		expect(resetSlips({ username: 'ada@example.com', password: 'aaaaaaaaa1' })).toEqual({ password: 'That password repeats too few characters.' });
		expect(resetSlips({ password: 'second pass 2027' })).toEqual({});
	});

	it("Settings' profile: a name; a new address with the current password; the current password and a new one by sign-up's rule", () => {
		expect(nameSlips({ name: '   ' })).toEqual({ name: 'Enter your name.' });
		expect(nameSlips({ name: ' Ada King ' })).toEqual({});
		expect(emailChangeSlips({ email: 'ada@', currentPassword: '' })).toEqual({ email: 'Enter a valid email address, like name@example.com.', currentPassword: 'Enter your password.' });
		expect(emailChangeSlips({ email: ' Ada@Example.com ', currentPassword: 'any' })).toEqual({});
		expect(passwordChangeSlips({ currentPassword: '', newPassword: 'short 1' })).toEqual({ currentPassword: 'Enter your password.', newPassword: 'Use at least 10 characters.' });
		expect(passwordChangeSlips({ currentPassword: 'x', newPassword: 'only letters here' })).toEqual({ newPassword: 'Add a digit or a symbol: letters alone are easy to guess.' });
		expect(passwordChangeSlips({ currentPassword: 'x', newPassword: 'second pass 2027' })).toEqual({});
	});

	it("say what the server's schemas say, in its words, for what both can judge", () => {
		const said = (schema: typeof passwordSchema | typeof nameSchema | typeof emailSchema, value: string) => {
			const r = schema.safeParse(value);
			return r.success ? null : r.error.issues[0]!.message;
		};
		for (const p of ['short1', 'x'.repeat(257), 'lettersonly', 'two words here', 'aaaaaaaaa1', 'first pass 2026', 'ÄÖÜäöüßéèà', '1234567890']) {
			expect(newPasswordProblem(p), p).toBe(said(passwordSchema, p));
		}
		for (const n of ['   ', 'Ada', 'x'.repeat(101), '👩‍💻'.repeat(100), '🇫🇷'.repeat(101), 'é'.repeat(100), 'a\u0301'.repeat(100), 'a\u0301'.repeat(101), `a${'\u0301'.repeat(2000)}`]) {
			expect(nameProblem(n), n).toBe(said(nameSchema, n));
		}
		expect(emailProblem(`${'x'.repeat(250)}@example.com`)).toBe('An email address is at most 254 characters.');
		for (const e of ['', '   ', 'name@example.com', ' Name@Example.COM ', 'not-an-email', 'a@b', '@example.com', 'a b@example.com', `${'x'.repeat(250)}@example.com`]) {
			expect(emailProblem(e), e).toBe(said(emailSchema, e));
		}
	});

	it('count a name as a person reads it: 100 joined emoji or flags fit, the 101st is refused with the limit said', () => {
		expect(nameProblem('👩‍💻'.repeat(MAX_NAME))).toBeNull(); // 500 UTF-16 units
		expect(nameProblem('🇫🇷'.repeat(MAX_NAME))).toBeNull();
		expect(nameProblem('e\u0301'.repeat(MAX_NAME))).toBeNull();
		expect(nameProblem('🇫🇷'.repeat(MAX_NAME + 1))).toBe('A name is at most 100 characters (an emoji or a flag counts as one).');
	});

	it('read a form’s text fields by name', () => {
		const data = new FormData();
		data.set('email', 'a@b.c');
		data.set('file', new Blob(['x']));
		expect(valuesOf(data)).toEqual({ email: 'a@b.c' });
	});
});

describe("a sign-in page form's fields", () => {
	it('are those its check finds wanting when all are empty (AuthForm reads them so): every field is required', () => {
		expect(Object.keys(signInSlips({}))).toEqual(['email', 'password']);
		expect(Object.keys(signUpSlips({}))).toEqual(['name', 'email', 'password']);
		expect(Object.keys(forgotSlips({}))).toEqual(['email']);
		expect(Object.keys(resetSlips({}))).toEqual(['password']);
	});
});
