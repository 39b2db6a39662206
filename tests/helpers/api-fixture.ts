import type { Db } from '../../src/lib/server/db/client';
import { freshDb } from './db';
import { useDb } from './http';
import { configureRates } from './ledger';
import { createAccountKey, createUser, ensureSiteKey, type Auth } from '../../src/lib/server/accounts';
import { grant } from '../../src/lib/server/ledger';
import { hashPassword } from '../../src/lib/server/accounts/passwords';
import { users } from '../../src/lib/server/db/schema';
import { eq } from 'drizzle-orm';

export const SITE_KEY = 'qk_contract_tests_site_key_000000000001';

/** Every member's password, for the tests that sign in with it. */
export const MEMBER_PASSWORD = 'correct-horse-battery-9';
/**
 * Its argon2 hash, made once per process: a hash costs about 12 ms of CPU by design, and the REST
 * authorization test alone makes some 200 members per backend.
 */
let memberPasswordHash: Promise<string> | undefined;

let n = 0;
/** A fresh member with its own tokens, the password MEMBER_PASSWORD and an account key (read + consume). */
export async function member(db: Db, tokens = 1000) {
	const i = ++n;
	const user = await createUser(db.orm, { email: `member${i}-${Date.now()}@example.test`, name: `Member ${i}`, emailConfirmed: true });
	memberPasswordHash ??= hashPassword(MEMBER_PASSWORD);
	await db.orm.update(users).set({ passwordHash: await memberPasswordHash }).where(eq(users.id, user.id));
	if (tokens) await grant(db.orm, { accountId: user.accountId, tokens, source: 'purchase' });
	const auth: Auth = {
		sessionId: 'test',
		user: { id: user.id, accountId: user.accountId, email: user.email, name: user.name, siteRole: user.siteRole, timeZone: null }
	};
	const key = await createAccountKey(db, auth, { accountId: user.accountId, name: 'test key', scopes: ['read', 'consume'] });
	return { ...user, key: key.value, auth };
}

export async function siteKey(db: Db) {
	await ensureSiteKey(db, { name: 'Contract tests', value: SITE_KEY });
	return SITE_KEY;
}

export const bearer = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });

/**
 * What a REST test file starts from: a fresh database made ready by `prepare` (default: the test
 * rates), or with `demo`, holding the demo (seedDemo's, copied: freshDb), served to `call` and
 * `callJson`, and the site key. Close `db` in the file's afterAll.
 */
export async function openRestApi(opts: { poolSize?: number; prepare?: (db: Db) => Promise<unknown>; demo?: boolean } = {}): Promise<{ db: Db; site: string }> {
	const db = await freshDb({ poolSize: opts.poolSize, demo: opts.demo });
	if (!opts.demo) await (opts.prepare ?? configureRates)(db);
	await useDb(db);
	return { db, site: await siteKey(db) };
}
