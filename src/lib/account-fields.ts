// What a person's sign-in details must be, in the words the app says them: the server's schemas
// (lib/server/accounts/validation.ts) and the sign-in, sign-up and password forms' slips
// (lib/client/auth-slips.ts) read this one file, so a form says before sending what the server
// would refuse, in the same words. The server stays the judge (its email check is stricter).

import { longerThan } from './text-length';

/** Longest email address (RFC 5321's path limit). */
export const MAX_EMAIL = 254;
/** Longest display name of a user, team or account, in characters as a person sees them (lib/text-length.ts). */
export const MAX_NAME = 100;
export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 256;
/** Fewest different characters a new password has. */
export const MIN_PASSWORD_CHARACTERS = 4;
/** How long a link that confirms an address works, in days (accounts/address-confirmation.ts; its mail and Settings say it). */
export const CONFIRMATION_VALID_DAYS = 3;

export const ACCOUNT_WORDS = {
	emailMissing: 'Enter your email address.',
	emailLong: `An email address is at most ${MAX_EMAIL} characters.`,
	emailInvalid: 'Enter a valid email address, like name@example.com.',
	nameMissing: 'Enter your name.',
	teamNameMissing: "Enter the team's name.",
	nameLong: `A name is at most ${MAX_NAME} characters (an emoji or a flag counts as one).`,
	passwordMissing: 'Enter a password.',
	/** Signing in: the password the account has, whatever it is. */
	currentPasswordMissing: 'Enter your password.',
	passwordShort: `Use at least ${MIN_PASSWORD} characters.`,
	passwordLong: `Keep the password under ${MAX_PASSWORD} characters.`,
	passwordLetters: 'Add a digit or a symbol: letters alone are easy to guess.',
	passwordRepeats: 'That password repeats too few characters.'
} as const;

/** Letters (and spaces) alone: a dictionary word or a phrase of them. */
export const lettersOnly = (password: string) => /^[\p{L}\s]+$/u.test(password);
/** Too few different characters ("aaaaaaaaa1"). */
export const repeatsTooMuch = (password: string) => new Set(password).size < MIN_PASSWORD_CHARACTERS;

/** What is wrong with an email address as typed (spaces around it do not count), or null: a first check, the server's is stricter. */
export function emailProblem(email: string): string | null {
	const e = email.trim();
	if (!e) return ACCOUNT_WORDS.emailMissing;
	if (e.length > MAX_EMAIL) return ACCOUNT_WORDS.emailLong;
	// One @ with something before it and a dotted domain after it, no spaces: what every address has.
	if (!/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(e)) return ACCOUNT_WORDS.emailInvalid;
	return null;
}

/** Whether a name (trimmed) is longer than MAX_NAME characters as a person counts them (lib/text-length.ts): the one rule of the forms and the server. */
export const nameTooLong = (name: string): boolean => longerThan(name, MAX_NAME);

/** What is wrong with a name as typed, or null; `missing`: what an empty one is told (a person's name unless said). */
export function nameProblem(name: string, missing: string = ACCOUNT_WORDS.nameMissing): string | null {
	const n = name.trim();
	if (!n) return missing;
	if (nameTooLong(n)) return ACCOUNT_WORDS.nameLong;
	return null;
}

/** What is wrong with a new password, or null: the first of the server's rules it breaks. */
export function newPasswordProblem(password: string): string | null {
	if (!password) return ACCOUNT_WORDS.passwordMissing;
	if (password.length < MIN_PASSWORD) return ACCOUNT_WORDS.passwordShort;
	if (password.length > MAX_PASSWORD) return ACCOUNT_WORDS.passwordLong;
	if (lettersOnly(password)) return ACCOUNT_WORDS.passwordLetters;
	if (repeatsTooMuch(password)) return ACCOUNT_WORDS.passwordRepeats;
	return null;
}
