import { z } from 'zod';
import { SITE_ROLE_KEY } from '../../role-key';
import { readableText, visibleId } from '../fields';
import { ACCOUNT_WORDS, lettersOnly, MAX_EMAIL, MAX_NAME, MAX_PASSWORD, MIN_PASSWORD, nameTooLong, repeatsTooMuch } from '../../account-fields';

/** Emails are stored trimmed and lower-cased, so uniqueness is case-insensitive. */
export const emailSchema = z
	.string({ error: ACCOUNT_WORDS.emailMissing })
	.trim()
	.min(1, ACCOUNT_WORDS.emailMissing)
	.max(MAX_EMAIL, ACCOUNT_WORDS.emailLong)
	.pipe(z.email({ error: ACCOUNT_WORDS.emailInvalid }))
	.transform((e) => e.toLowerCase());

export { MAX_NAME };

/** A display name (1–100 characters as a person sees them, as the forms count: `nameTooLong`; trimmed, no control characters, nothing reordering it: fields.ts readableText); `missing`: what an empty one is told. */
const displayName = (missing: string) =>
	readableText(
		z
			.string({ error: missing })
			.trim()
			.min(1, missing)
			.refine((n) => !nameTooLong(n), ACCOUNT_WORDS.nameLong)
			.refine((n) => !/[\u0000-\u001f\u007f]/.test(n), 'cannot contain control characters.')
	);

/** A person's name. */
export const nameSchema = displayName(ACCOUNT_WORDS.nameMissing);
/** A team's name (its pool's too). */
export const teamNameSchema = displayName(ACCOUNT_WORDS.teamNameMissing);

/** Longest id a host site may give its users (REST `user`; stored as `users.external_id`). */
export const MAX_EXTERNAL_USER_ID = 128;

/** A host site's own user id: 1–128 characters, not blank, no invisible character (it also names the user: fields.ts visibleId). */
export const externalUserIdSchema = visibleId(z.string().min(1).max(MAX_EXTERNAL_USER_ID));

/** Longest id of an anonymous visitor a site key names (REST `guest`). */
export const MAX_GUEST_ID = 128;

export const guestIdSchema = z
	.string()
	.min(1)
	.max(MAX_GUEST_ID)
	.regex(/^[A-Za-z0-9_.:-]+$/, `must be 1–${MAX_GUEST_ID} letters, digits, or . _ : -`);

/** Long enough to resist guessing, and more than a dictionary word; no composition theatre (lib/account-fields.ts). */
export const passwordSchema = z
	.string({ error: ACCOUNT_WORDS.passwordMissing })
	.min(MIN_PASSWORD, ACCOUNT_WORDS.passwordShort)
	.max(MAX_PASSWORD, ACCOUNT_WORDS.passwordLong)
	.refine((p) => !lettersOnly(p), ACCOUNT_WORDS.passwordLetters)
	.refine((p) => !repeatsTooMuch(p), ACCOUNT_WORDS.passwordRepeats);

export const timeZoneSchema = z
	.string()
	.max(64)
	.refine(isTimeZone, 'Unknown time zone: use an IANA name like Europe/Berlin.');

export const teamRoleSchema = z.enum(['owner', 'admin', 'member']);
export type TeamRole = z.infer<typeof teamRoleSchema>;

export const siteRoleSchema = z
	.string()
	.trim()
	.regex(SITE_ROLE_KEY, 'must be 2–32 lower-case letters, digits, - or _, starting with a letter.');

function isTimeZone(tz: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: tz });
		return true;
	} catch {
		return false;
	}
}
