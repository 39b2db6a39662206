import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { KEY_CHANGE_CHANNEL } from './kept-keys';

/**
 * What a key lets its holder do now: `revoked` (or gone), `paused`, or `disabled` (the account it
 * stands for is a disabled user's), `not_member` (the team member an embed token names left the
 * team whose pool it reads, or was removed); `active` otherwise.
 */
export type KeyState = 'active' | 'revoked' | 'paused' | 'disabled' | 'not_member';

/**
 * What a signed-in session lets its user do now on an account: `ended` (signed out, revoked,
 * expired, or its user disabled), `forbidden` (the user may no longer read the account: no longer
 * in the team, no longer a site admin); `active` otherwise.
 */
export type SessionState = 'active' | 'ended' | 'forbidden';

/**
 * A key an open stream stands on: `accountId` is the account whose user being disabled stops it
 * (an account key's own, the account an embed token reads; null for a site key's own requests);
 * `site`: only a site key counts (an embed token's); `viewerId`: the member of the team whose pool
 * `accountId` is that the embed token names, who must still be in it.
 */
export interface WatchedKey {
	keyId: string;
	accountId: string | null;
	site?: boolean;
	viewerId?: string | null;
}

/** A signed-in session an open stream stands on, and the account it reads. */
export interface WatchedSession {
	sessionId: string;
	accountId: string;
}

type Watched = WatchedKey | WatchedSession;
type StateOf<T extends Watched> = T extends WatchedSession ? SessionState : KeyState;

interface Read {
	state: KeyState | SessionState;
	/** When an active session ends unless it is used meanwhile (ms since epoch); null for a key. */
	until: number | null;
}

/**
 * The state of each of `items`, keys and sessions, in their order: one read, whatever their number.
 * A session counts as `validateSessionToken` and `requireAccountAccess` ('read') count it.
 */
async function states(db: Db, items: Watched[]): Promise<Read[]> {
	const asked = items.map((w) =>
		'sessionId' in w ? { session_id: w.sessionId, account_id: w.accountId } : { key_id: w.keyId, account_id: w.accountId, site: w.site ?? false, viewer_id: w.viewerId ?? null }
	);
	const rows = await db.rows<{ n: string; state: Read['state']; until: string | null }>(sql`
		select w.n::text as n, case
			when w.session_id is not null then case
				when u.id is null then 'ended'
				when u.account_id = w.account_id or u.site_role = 'admin'
					or exists (select 1 from teams t join team_members m on m.team_id = t.id where t.account_id = w.account_id and m.user_id = u.id) then 'active'
				else 'forbidden' end
			when k.id is null or k.revoked_at is not null or (w.site and k.kind <> 'site') then 'revoked'
			when k.paused_at is not null then 'paused'
			when exists (select 1 from users u where u.account_id = w.account_id and u.disabled_at is not null) then 'disabled'
			when w.viewer_id is not null and not exists (select 1 from teams t join team_members m on m.team_id = t.id where t.account_id = w.account_id and m.user_id = w.viewer_id) then 'not_member'
			else 'active' end as state,
			(extract(epoch from s.expires_at) * 1000)::bigint::text as until
		from rows from (jsonb_to_recordset(${JSON.stringify(asked)}::jsonb) as (key_id uuid, session_id text, account_id uuid, site boolean, viewer_id uuid)) with ordinality as w(key_id, session_id, account_id, site, viewer_id, n)
		left join api_keys k on k.id = w.key_id
		left join sessions s on s.id = w.session_id and s.expires_at > now()
		left join users u on u.id = s.user_id and u.disabled_at is null`);
	const byN = new Map(rows.map((r) => [Number(r.n), { state: r.state, until: r.until === null ? null : Number(r.until) }]));
	return items.map((w, i) => byN.get(i + 1) ?? { state: 'sessionId' in w ? 'ended' : 'revoked', until: null });
}

/** The state of each of `keys`, in their order: one read, whatever their number. */
export async function keyStates(db: Db, keys: WatchedKey[]): Promise<KeyState[]> {
	return (await states(db, keys)).map((r) => r.state as KeyState);
}

/** A notice this recent may have come between a request's check and its watch: such a watch checks at once. */
const RECENT_MS = 10_000;

/** `until`: when its session ends unless used (as last read), when it is a session's. */
type Watch = Watched & { end: (state: string) => void; until?: number | null };

/**
 * The keys and sessions this process's open streams stand on. The notice that a key was revoked or
 * paused, a user disabled, a session ended or a team member removed (drizzle/functions/
 * api_key_notices.sql, access_notices.sql) reaches every process; each then reads the state of all
 * it watches at once (one statement) and ends the watches that no longer let their stream go on, so
 * a revoked key's or an ended session's streams stop within a moment everywhere, not when they next
 * reconnect.
 */
class AccessWatch {
	private watches = new Set<Watch>();
	private started: Promise<void> | null = null;
	private lastNotice = 0;
	/** A check running, and whether a notice came during it (then one more follows). */
	private checking: Promise<void> | null = null;
	private again = false;
	/** The next time a watched session ends unless used: everything is read again then. */
	private expiry: { at: number; timer: ReturnType<typeof setTimeout> } | null = null;

	constructor(private readonly db: Db) {}

	private start() {
		const heard = () => {
			this.lastNotice = Date.now();
			void this.checkAll();
		};
		// A LISTEN lost and back: notices sent meanwhile are gone, so everything watched is read again.
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
		const now = await states(this.db, watches).catch(() => null);
		now?.forEach(({ state, until }, i) => {
			const w = watches[i]!;
			w.until = until;
			if (state === 'active' || !this.watches.delete(w)) return;
			w.end(state);
		});
		this.wakeAtExpiry();
	}

	/**
	 * A session that times out (idle, or at its lifetime's end) sends no notice: the watch reads
	 * again when the first watched one would end, which finds it ended or renewed by its use.
	 */
	private wakeAtExpiry() {
		let at = Infinity;
		for (const w of this.watches) if (w.until && w.until < at) at = w.until;
		if (this.expiry?.at === at) return;
		if (this.expiry) clearTimeout(this.expiry.timer);
		this.expiry = null;
		if (at === Infinity) return;
		const timer = setTimeout(() => {
			this.expiry = null;
			void this.checkAll();
			// setTimeout's longest wait is under 25 days: a later end is read then, and waited for again.
		}, Math.min(Math.max(0, at - Date.now()) + 100, 2 ** 31 - 1));
		timer.unref?.();
		this.expiry = { at, timer };
	}

	/**
	 * Calls `end` once, with the new state, when `item` (a key, or a session reading an account)
	 * stops letting its stream go on (see KeyState, SessionState); resolves to the function that
	 * stops watching. The caller checked it just before.
	 */
	async watch<T extends Watched>(item: T, end: (state: Exclude<StateOf<T>, 'active'>) => void): Promise<() => void> {
		await this.start();
		const w = { ...item, end } as Watch;
		this.watches.add(w);
		// A session is read at once: when it times out is known only then.
		if ('sessionId' in item || Date.now() - this.lastNotice < RECENT_MS) await this.check([w]);
		return () => {
			this.watches.delete(w);
		};
	}
}

const perDb = new WeakMap<Db, AccessWatch>();

/** One LISTEN per database a process uses (the app has one; a test run opens one per file). */
export function accessWatch(db: Db): AccessWatch {
	let watch = perDb.get(db);
	if (!watch) perDb.set(db, (watch = new AccessWatch(db)));
	return watch;
}
