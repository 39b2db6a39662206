import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { isTransaction, notifyAfterCommit } from '../db/notices';

/** The NOTIFY channel of balance changes (payload: the account id); live streams and alerts listen. */
export const CHANGE_CHANNEL = 'quota_account';
/**
 * The NOTIFY channel of new inbox entries (alerts, unusual-use and top-up notices) for an account's
 * people (payload: the account id). Apart from balance changes: an entry changes no figure, so the
 * balance stream's unchanged figures would not carry it, and the alerts need not look again.
 */
export const INBOX_CHANNEL = 'quota_inbox';

/**
 * Whether a ledger SQL function should NOTIFY inside its own transaction. Inside a caller's
 * transaction it must (the notice has to wait for that commit); a call on its own commits at
 * once and is announced right after, batched with others (`noticeChange`), which keeps
 * concurrent consumes from queueing on NOTIFY's commit lock.
 */
export function notifiesInTransaction(exec: Executor): boolean {
	return isTransaction(exec);
}

/** Announces a committed change of the account to every app process (within about 10 ms). */
export function noticeChange(exec: Executor, accountId: string): void {
	notifyAfterCommit(exec, CHANGE_CHANNEL, accountId);
}

/** The payload of a change of every account's figures (a rule, not a ledger operation, changed them). */
export const EVERY_ACCOUNT = '*';

/**
 * Announces, once `exec` commits, a change of an account's figures that no ledger operation made
 * (a site role, an allowance rule, a cap, the site's settings), or with `EVERY_ACCOUNT` of every
 * account's: open pages then show the new figures without a reload (an open dashboard still said
 * 8,547 of 10,000 after the admin made its user an Author with 20,000). Inside a transaction with
 * its commit, otherwise batched right after. Streams send only figures that changed.
 */
export async function noticeFigures(exec: Executor, accountId: string): Promise<void> {
	if (isTransaction(exec)) await exec.execute(sql`select pg_notify(${CHANGE_CHANNEL}, ${accountId})`);
	else notifyAfterCommit(exec, CHANGE_CHANNEL, accountId);
}

/** `noticeFigures` of several accounts: inside a transaction one statement at its commit, otherwise batched right after. */
export function noticeFiguresOf(exec: Executor, accountIds: string[]): Promise<void> {
	return notifyEach(exec, CHANGE_CHANNEL, accountIds);
}

/** A NOTIFY on `channel` of each of `accountIds`: inside a transaction one statement, heard at its commit; otherwise batched right after. */
async function notifyEach(exec: Executor, channel: string, accountIds: string[]): Promise<void> {
	if (!accountIds.length) return;
	if (!isTransaction(exec)) return accountIds.forEach((id) => notifyAfterCommit(exec, channel, id));
	await exec.execute(sql`select pg_notify(${channel}, a) from jsonb_array_elements_text(${JSON.stringify(accountIds)}::jsonb) a`);
}

/**
 * Announces new inbox entries for the people of the account, once `exec` commits: inside a
 * transaction with its commit (the entries are written there), otherwise batched right after.
 * Open pages of the account then refresh their unread count at once (live/stream.ts); with
 * `EVERY_ACCOUNT` (entries for the people of many accounts at once) every open page does.
 */
export async function noticeInbox(exec: Executor, accountId: string): Promise<void> {
	if (isTransaction(exec)) await exec.execute(sql`select pg_notify(${INBOX_CHANNEL}, ${accountId})`);
	else notifyAfterCommit(exec, INBOX_CHANNEL, accountId);
}

/** `noticeInbox` of several accounts, in one statement. */
export function noticeInboxOf(exec: Executor, accountIds: string[]): Promise<void> {
	return notifyEach(exec, INBOX_CHANNEL, accountIds);
}
