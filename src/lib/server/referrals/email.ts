import { sql, type SQL } from 'drizzle-orm';

/**
 * An e-mail address as one person's mailbox, in SQL (one definition, so the two sides of a
 * comparison never disagree): lower case, without a `+tag` after the local part, and for Gmail
 * (gmail.com, googlemail.com) without dots and on gmail.com, since Gmail delivers all of those to
 * one mailbox. `a.b+x@GoogleMail.com` and `ab@gmail.com` are the same person.
 */
export function mailboxSql(email: SQL | string): SQL {
	const e = typeof email === 'string' ? sql`lower(${email}::text)` : sql`lower(${email})`;
	const local = sql`regexp_replace(split_part(${e}, '@', 1), '\\+.*$', '')`;
	const domain = sql`split_part(${e}, '@', 2)`;
	return sql`(case when ${domain} in ('gmail.com', 'googlemail.com') then replace(${local}, '.', '') || '@gmail.com' else ${local} || '@' || ${domain} end)`;
}
