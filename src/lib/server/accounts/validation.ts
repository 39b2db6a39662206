import { z } from 'zod';
import { DomainError } from '../errors';

/** Emails are stored trimmed and lower-cased, so uniqueness is case-insensitive. */
export const emailSchema = z
	.string({ error: 'Enter your email address.' })
	.trim()
	.max(254, 'That email address is too long.')
	.pipe(z.email({ error: 'Enter a valid email address, like name@example.com.' }))
	.transform((e) => e.toLowerCase());

export const nameSchema = z
	.string({ error: 'Enter your name.' })
	.trim()
	.min(1, 'Enter your name.')
	.max(100, 'Keep the name under 100 characters.')
	.refine((n) => !/[\u0000-\u001f\u007f]/.test(n), 'The name contains control characters.');

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
	.regex(/^[a-z][a-z0-9_-]{1,31}$/, 'A role is 2–32 lower-case letters, digits, - or _.');

function isTimeZone(tz: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: tz });
		return true;
	} catch {
		return false;
	}
}

/** Parses with a zod schema and refuses with `invalid_input` naming the first problem. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const fieldErrors = z.flattenError(result.error).fieldErrors as Record<string, string[] | undefined>;
	const first = result.error.issues[0];
	throw new DomainError('invalid_input', first?.message ?? 'Invalid input.', { fieldErrors });
}
