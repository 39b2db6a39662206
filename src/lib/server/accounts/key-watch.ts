import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { KEY_CHANGE_CHANNEL } from './kept-keys';

/**
 * What a key lets its holder do now: `revoked` (or gone), `paused`, or `disabled` (the account it
 * stands for is a disabled user's); `active` otherwise.
 */
export type KeyState = 'active' | 'revoked' | 'paused' | 'disabled';

/**
 * A key an open stream stands on: `accountId` is the account whose user being disabled stops it
 * (an account key's own, the account an embed token reads; null for a site key's own requests);
 * `site`: only a site key counts (an embed token's).
 */
export interface WatchedKey {
	keyId: string;
	accountId: string | null;
	site?: boolean;
}

/** The state of each of `keys`, in their order: one read, whatever their number. */
export async function keyStates(db: Db, keys: WatchedKey[]): Promise<KeyState[]> {
	const asked = keys.map((k) => ({ key_id: k.keyId, account_id: k.accountId, site: k.site ?? false }));
	const rows = await db.rows<{ n: string; state: KeyState }>(sql`
		select w.n::text as n, case
			when k.id is null or k.revoked_at is not null or (w.site and k.kind <> 'site') then 'revoked'
			when k.paused_at is not null then 'paused'
			when exists (select 1 from users u where u.account_id = w.account_id and u.disabled_at is not null) then 'disabled'
			else 'active' end as state
		from rows from (jsonb_to_recordset(${JSON.stringify(asked)}::jsonb) as (key_id uuid, account_id uuid, site boolean)) with ordinality as w(key_id, account_id, site, n)
		left join api_keys k on k.id = w.key_id`);
	const states = new Map(rows.map((r) => [Number(r.n), r.state]));
	return keys.map((_, i) => states.get(i + 1) ?? 'revoked');
}

/** A notice this recent may have come between a request's key check and its watch: such a watch checks its key at once. */
const RECENT_MS = 10_000;

interface Watch extends WatchedKey {
	end: (state: Exclude<KeyState, 'active'>) => void;
}

/**
 * The keys this process's open streams stand on. The notice that a key was revoked or paused, or a
 * user disabled (drizzle/functions/api_key_notices.sql), reaches every process; each then reads the
 * state of all its watched keys at once (one statement) and ends the watches whose key no longer
 * works, so a revoked key's streams stop within a moment everywhere, not when they next reconnect.
 */
class KeyWatch {
	private watches = new Set<Watch>();
	private started: Promise<void> | null = null;
	private lastNotice = 0;
	/** A check running, and whether a notice came during it (then one more follows). */
	private checking: Promise<void> | null = null;
	private again = false;

	constructor(private readonly db: Db) {}

	private start() {
		const heard = () => {
			this.lastNotice = Date.now();
			void this.checkAll();
		};
		// A LISTEN lost and back: notices sent meanwhile are gone, so every watched key is read again.
		this.started ??= this.db.listen(KEY_CHANGE_CHANNEL, heard, heard).then(
			() => {
				this.lastNotice = Date.now();
			},
			(e) => {
				this.started = null;
				throw e;
			}
		);
		return this.started;
	}

	private checkAll(): Promise<void> {
		if (this.checking) {
			this.again = true;
			return this.checking;
		}
		this.checking = (async () => {
			do {
				this.again = false;
				await this.check([...this.watches]);
			} while (this.again);
		})().finally(() => (this.checking = null));
		return this.checking;
	}

	private async check(watches: Watch[]) {
		if (!watches.length) return;
		// Unreadable now (the database away): the LISTEN coming back reads them again.
		const states = await keyStates(this.db, watches).catch(() => null);
		states?.forEach((state, i) => {
			const w = watches[i]!;
			if (state === 'active' || !this.watches.delete(w)) return;
			w.end(state);
		});
	}

	/**
	 * Calls `end` once, with the key's state, when `key` stops working (see KeyState); resolves to
	 * the function that stops watching. The caller checked the key just before.
	 */
	async watch(key: WatchedKey, end: Watch['end']): Promise<() => void> {
		await this.start();
		const w: Watch = { ...key, end };
		this.watches.add(w);
		if (Date.now() - this.lastNotice < RECENT_MS) await this.check([w]);
		return () => {
			this.watches.delete(w);
		};
	}
}

const perDb = new WeakMap<Db, KeyWatch>();

/** One LISTEN per database a process uses (the app has one; a test run opens one per file). */
export function keyWatch(db: Db): KeyWatch {
	let watch = perDb.get(db);
	if (!watch) perDb.set(db, (watch = new KeyWatch(db)));
	return watch;
}
