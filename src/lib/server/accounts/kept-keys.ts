import { LRUCache } from 'lru-cache';
import type { Db } from '../db';
import type { ApiKeyAuth } from './types';
import { LAST_USED_EVERY_MINUTES } from '../../key-scopes';

/**
 * Notified by a trigger (drizzle/functions/api_key_notices.sql) whenever a key is revoked or a user
 * disabled; with the payload `access` (access_notices.sql) when a session ends or a team member is
 * removed, which changes no key.
 */
export const KEY_CHANGE_CHANNEL = 'quota_api_keys';
/** How long a kept key is used without asking again: the bound if a notice is missed. */
const KEEP_MS = 10_000;
const MAX_KEPT_KEYS = 10_000;

/**
 * The API keys this process resolved a moment ago, so the metering API does not look its key up
 * on every request. A change notice empties it in every process; a lookup that was running when
 * one came is not kept. Only accepted keys are kept: a wrong key always asks the database.
 */
class KeptKeys {
	private keys = new LRUCache<string, ApiKeyAuth>({ max: MAX_KEPT_KEYS, ttl: KEEP_MS });
	/** When this process last wrote each key's last use (Date.now(), by key id). */
	private marked = new LRUCache<string, number>({ max: MAX_KEPT_KEYS });
	private generation = 0;
	/** Keys are kept only while this process hears the change notices. */
	private readonly listening: Promise<boolean>;

	constructor(db: Db) {
		// A notice missed while the database was unreachable is covered by forgetting everything when the LISTEN is back.
		this.listening = db.listen(KEY_CHANGE_CHANNEL, (payload) => (payload === 'access' ? undefined : this.forget()), () => this.forget()).then(
			() => true,
			() => false
		);
	}

	async lookup(hash: string, load: () => Promise<ApiKeyAuth>): Promise<ApiKeyAuth> {
		const kept = this.keys.get(hash);
		if (kept) return kept;
		const generation = this.generation;
		const auth = await load();
		if ((await this.listening) && generation === this.generation) {
			this.keys.set(hash, auth);
		}
		return auth;
	}

	/**
	 * Whether the use of `keyId` now is due to be written as its last use: not written by this process
	 * within LAST_USED_EVERY_MINUTES, whether the key was looked up or kept; noted as written.
	 */
	lastUseDue(keyId: string): boolean {
		const now = Date.now();
		const last = this.marked.get(keyId);
		if (last !== undefined && now - last < LAST_USED_EVERY_MINUTES * 60_000) return false;
		this.marked.set(keyId, now);
		return true;
	}

	/** Drops every kept key and when each was last marked used (a change notice, or the copies lapsing): the next use looks up and marks again. */
	forget() {
		this.generation++;
		this.keys.clear();
		this.marked.clear();
	}
}

const perDb = new WeakMap<Db, KeptKeys>();

export function keptKeys(db: Db): KeptKeys {
	let kept = perDb.get(db);
	if (!kept) perDb.set(db, (kept = new KeptKeys(db)));
	return kept;
}
