import { createHmac, timingSafeEqual } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { accounts, guests } from '../db/schema';
import type { Db, Executor } from '../db';
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
	const existing = await findGuestAccount(db.orm, guestId);
	if (existing) return existing;
	await beforeCreate?.();
	return db.orm.transaction((tx) => makeGuestAccount(tx, guestId));
}

/** The account of the guest `guestId` (already checked by guestIdSchema), or null when the guest has none yet. */
export async function findGuestAccount(exec: Executor, guestId: string): Promise<string | null> {
	const [row] = await exec.select({ accountId: guests.accountId }).from(guests).where(eq(guests.id, guestId));
	return row?.accountId ?? null;
}

/** A guest's account as people read it: "Guest g_1f9c" for the host's guest id g_1f9c (migration 0050 names the older ones so). */
export function guestAccountName(guestId: string): string {
	return `Guest ${guestId}`;
}

/**
 * Makes the guest's account inside the transaction `tx`, or finds the one a concurrent first use
 * made (first uses of one guest id wait for each other). Rolled back, the guest never had one.
 */
export async function makeGuestAccount(tx: Executor, guestId: string): Promise<string> {
	await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'guest:' + guestId}, 0))`);
	const existing = await findGuestAccount(tx, guestId);
	if (existing) return existing;
	// Named by the host's id: the console's lists (flags, deliveries, the audit log) tell one guest from another by it.
	const [account] = await tx.insert(accounts).values({ kind: 'guest', name: guestAccountName(guestId) }).returning({ id: accounts.id });
	await tx.insert(guests).values({ id: guestId, accountId: account!.id });
	return account!.id;
}
