import { createHmac, timingSafeEqual } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { accounts, guests } from '../db/schema';
import type { Db } from '../db';
import { appSecret } from './secret';
import { randomBase64url } from './tokens';
import { parseInput } from '../errors';
import { guestIdSchema } from './validation';

export const GUEST_COOKIE = 'quota_guest';

function sign(id: string, secret: string): string {
	return createHmac('sha256', secret).update(`guest:${id}`).digest('base64url');
}

/** A new anonymous visitor id and its cookie value (`id.signature`). */
export function newGuestCookie(secret = appSecret()): { guestId: string; value: string } {
	const guestId = randomBase64url(16);
	return { guestId, value: `${guestId}.${sign(guestId, secret)}` };
}

/** The guest id in a cookie value, or null when it is missing, malformed or its signature is wrong. */
export function readGuestCookie(value: string | undefined, secret = appSecret()): string | null {
	if (!value) return null;
	const match = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value);
	if (!match) return null;
	const [, id, mac] = match as unknown as [string, string, string];
	const expected = Buffer.from(sign(id, secret));
	const given = Buffer.from(mac);
	return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
}

/**
 * The account of a guest, created the first time the guest uses a metered feature
 * (visitors who only look never get a row). Safe when two requests race: one creates it.
 * `beforeCreate` runs (and may refuse) only when the guest is new.
 */
export async function guestAccountFor(db: Db, guestId: string, beforeCreate?: () => Promise<void>): Promise<string> {
	parseInput(guestIdSchema, guestId);
	const [existing] = await db.rows<{ account_id: string }>(sql`select account_id from guests where id = ${guestId}`);
	if (existing) return existing.account_id;
	await beforeCreate?.();
	return db.orm.transaction(async (tx) => {
		// Serialises first uses of one guest id; each later statement sees the winner's commit.
		await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'guest:' + guestId}, 0))`);
		const [row] = await tx.select({ accountId: guests.accountId }).from(guests).where(eq(guests.id, guestId));
		if (row) return row.accountId;
		const [account] = await tx.insert(accounts).values({ kind: 'guest', name: 'Guest' }).returning({ id: accounts.id });
		await tx.insert(guests).values({ id: guestId, accountId: account!.id });
		return account!.id;
	});
}
