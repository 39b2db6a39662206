import { z } from 'zod';
import { SITE_ROLE_KEY } from '../../role-key';

/** Emails are stored trimmed and lower-cased, so uniqueness is case-insensitive. */
export const emailSchema = z
	.string({ error: 'Enter your email address.' })
	.trim()
	.max(254, 'That email address is too long.')
	.pipe(z.email({ error: 'Enter a valid email address, like name@example.com.' }))
	.transform((e) => e.toLowerCase());

/** Longest display name of a user, team or account. */
export const MAX_NAME = 100;

export const nameSchema = z
	.string({ error: 'Enter your name.' })
	.trim()
	.min(1, 'Enter your name.')
	.max(MAX_NAME, `Keep the name under ${MAX_NAME} characters.`)
	.refine((n) => !/[\u0000-\u001f\u007f]/.test(n), 'cannot contain control characters.');

/** Longest id a host site may give its users (REST `user`; stored as `users.external_id`). */
export const MAX_EXTERNAL_USER_ID = 128;

/** A host site's own user id: 1–128 characters, no control characters (it also names the user). */
export const externalUserIdSchema = z
	.string()
	.min(1)
	.max(MAX_EXTERNAL_USER_ID)
	.regex(/^[^\u0000-\u001f\u007f]+$/, 'cannot contain control characters.');

/** Longest id of an anonymous visitor a site key names (REST `guest`). */
export const MAX_GUEST_ID = 128;

export const guestIdSchema = z
	.string()
	.min(1)
	.max(MAX_GUEST_ID)
	.regex(/^[A-Za-z0-9_.:-]+$/, `must be 1–${MAX_GUEST_ID} letters, digits, or . _ : -`);

/** Long enough to resist guessing, and more than a dictionary word; no composition theatre. */
export const passwordSchema = z
	.string({ error: 'Enter a password.' })
	.min(10, 'Use at least 10 characters.')
	.max(256, 'Keep the password under 256 characters.')
	.refine((p) => !/^[\p{L}\s]+$/u.test(p), 'Add a digit or a symbol: letters alone are easy to guess.')
	.refine((p) => new Set(p).size >= 4, 'That password repeats too few characters.');

export const timeZoneSchema = z
	.string()
	.max(64)
	.refine(isTimeZone, 'Unknown time zone: use an IANA name like Europe/Berlin.');

export const teamRoleSchema = z.enum(['owner', 'admin', 'member']);
export type TeamRole = z.infer<typeof teamRoleSchema>;

export const siteRoleSchema = z
	.string()
	.trim()
	.regex(SITE_ROLE_KEY, 'must be 2–32 lower-case letters, digits, - or _.');

function isTimeZone(tz: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: tz });
		return true;
	} catch {
		return false;
	}
}
