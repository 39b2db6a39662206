import type { Db } from '../db';
import { CHANGE_CHANNEL, EVERY_ACCOUNT, INBOX_CHANNEL } from './change-notices';

/** What changed: the account's figures, or its people's inbox (new entries). */
export type ChangeKind = 'balance' | 'inbox';
type Listener = (kind: ChangeKind) => void;

/**
 * Changes per account, from Postgres NOTIFY after each commit (see ledger/change-notices): of its
 * balances, and of its people's inbox. One LISTEN per channel and app process fans out to every
 * open stream, so several processes each see every change, whichever process made it.
 */
export class BalanceChanges {
	private listeners = new Map<string, Set<Listener>>();
	private everyAccount = new Set<(accountId: string) => void>();
	private started: Promise<void> | null = null;

	constructor(private readonly db: Db) {}

	/** LISTENs once; a failed try (database unreachable) is not kept, so the next subscriber tries again. */
	private start() {
		// Notices sent while a LISTEN was lost are gone: every open stream sends its figures again, and its inbox notice.
		const relisten = (kind: ChangeKind) => () => this.listeners.forEach((fns) => fns.forEach((fn) => fn(kind)));
		this.started ??= Promise.all([
			this.db.listen(
				CHANGE_CHANNEL,
				(accountId) => {
					// Every account's figures (a rule changed): every open stream looks again, as after a lost LISTEN.
					if (accountId === EVERY_ACCOUNT) return this.listeners.forEach((fns) => fns.forEach((fn) => fn('balance')));
					for (const fn of this.listeners.get(accountId) ?? []) fn('balance');
					for (const fn of this.everyAccount) fn(accountId);
				},
				relisten('balance')
			),
			this.db.listen(
				INBOX_CHANNEL,
				// New entries for the people of many accounts (a site-wide notice): every open stream looks again.
				(accountId) => (accountId === EVERY_ACCOUNT ? relisten('inbox')() : this.listeners.get(accountId)?.forEach((fn) => fn('inbox'))),
				relisten('inbox')
			)
		]).then(
			() => undefined,
			(e) => {
				this.started = null;
				throw e;
			}
		);
		return this.started;
	}

	/** Calls `fn` with what changed after each committed change of the account; returns the unsubscribe function. */
	async subscribe(accountId: string, fn: Listener): Promise<() => void> {
		await this.start();
		let set = this.listeners.get(accountId);
		if (!set) this.listeners.set(accountId, (set = new Set()));
		set.add(fn);
		return () => {
			set.delete(fn);
			if (!set.size) this.listeners.delete(accountId);
		};
	}

	/** Calls `fn` with the account id after each committed change of any account's balances (alerts, top-ups). */
	async subscribeAll(fn: (accountId: string) => void): Promise<() => void> {
		await this.start();
		this.everyAccount.add(fn);
		return () => {
			this.everyAccount.delete(fn);
		};
	}
}

/** One LISTEN per database a process uses (the app has one; a test run opens one per file). */
const perDb = new WeakMap<Db, BalanceChanges>();
export function balanceChanges(db: Db): BalanceChanges {
	let changes = perDb.get(db);
	if (!changes) perDb.set(db, (changes = new BalanceChanges(db)));
	return changes;
}
