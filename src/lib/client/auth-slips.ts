// The forms of a person's sign-in details (the sign-in pages: sign in, create an account, forgot
// and choose a password; Settings' profile: name, address, password): what is wrong with each field
// as typed, said under it before anything is sent, with the server's rules and words
// (lib/account-fields.ts).
import { ACCOUNT_WORDS, emailProblem, nameProblem, newPasswordProblem } from '$lib/account-fields';

/** A form's fields as typed, by their `name`. */
export type AuthValues = Readonly<Record<string, string>>;
/** What is wrong, by field name; a field that will do is absent. */
export type Slips = Partial<Record<string, string>>;
/** A form's check: its slips for what was typed. */
export type AuthCheck = (values: AuthValues) => Slips;

/** The problems that are there, by field. */
function only(problems: Record<string, string | null>): Slips {
	return Object.fromEntries(Object.entries(problems).filter((e): e is [string, string] => e[1] !== null));
}

const typed = (v: AuthValues, name: string) => v[name] ?? '';

/** Signing in: an address, and a password (any: the account's is checked by the server). */
export const signInSlips: AuthCheck = (v) => only({ email: emailProblem(typed(v, 'email')), password: typed(v, 'password') ? null : ACCOUNT_WORDS.currentPasswordMissing });

/** Creating an account: a name, an address, a password the server will take. */
export const signUpSlips: AuthCheck = (v) => only({ name: nameProblem(typed(v, 'name')), email: emailProblem(typed(v, 'email')), password: newPasswordProblem(typed(v, 'password')) });

/** Asking for a reset link: an address. */
export const forgotSlips: AuthCheck = (v) => only({ email: emailProblem(typed(v, 'email')) });

/** Choosing a new password from a reset link. */
export const resetSlips: AuthCheck = (v) => only({ password: newPasswordProblem(typed(v, 'password')) });

/** A form's fields as typed (text fields only). */
export function valuesOf(data: FormData): Record<string, string> {
	return Object.fromEntries([...data].filter((e): e is [string, string] => typeof e[1] === 'string'));
}

const currentPassword = (v: AuthValues) => (typed(v, 'currentPassword') ? null : ACCOUNT_WORDS.currentPasswordMissing);

/** Settings: a new display name. */
export const nameSlips: AuthCheck = (v) => only({ name: nameProblem(typed(v, 'name')) });

/** Settings: a new address, with the current password. */
export const emailChangeSlips: AuthCheck = (v) => only({ email: emailProblem(typed(v, 'email')), currentPassword: currentPassword(v) });

/** Settings: the current password and a new one the server will take. */
export const passwordChangeSlips: AuthCheck = (v) => only({ currentPassword: currentPassword(v), newPassword: newPasswordProblem(typed(v, 'newPassword')) });
