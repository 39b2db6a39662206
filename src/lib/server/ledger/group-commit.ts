import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { DomainError } from '../errors';

/**
 * Group commit (DESIGN.md "Throughput"): consumes and holds made on the database (not inside a
 * caller's transaction) queue here, and everything that arrives while a batch is in flight goes to
 * Postgres as the next batch: one round trip, one transaction, one commit flush
 * (`quota_spend_batch`, drizzle/functions/spend_batch.sql), each item with its own key claim and
 * answer. On a hot account one lock and one commit then serve a whole batch instead of each consume
 * queueing for the previous one's commit.
 *
 * The wait is small and bounded: with no batch in flight an item goes at once (an idle ledger adds no
 * latency); while one is in flight, a batch waits up to `waitMs` (1 ms) for company before it takes
 * the next free slot, so batches under load are whole rather than one early item and the rest.
 * An item never waits for more than that plus the round trip of the batch ahead of it.
 */

/** One consume or hold, in quota_spend's terms (snake_case, as the SQL reads it). */
export interface SpendItem {
	mode: 'consume' | 'hold';
	account: string;
	actor_user: string | null;
	actor_key: string | null;
	feature: string;
	units: number;
	model: string | null;
	hold_tokens: number | null;
	hold_ttl_seconds: number | null;
	scope: string;
	key: string;
	hash: string;
	metadata: Record<string, unknown> | null;
	/** ISO instant (imports, the demo backfill); null: when the item's turn comes in the batch. */
	now: string | null;
}

/** More per-item savepoints than this overflow Postgres' subtransaction cache (see spend_batch.sql). */
export const MAX_BATCH = 64;

export interface GroupCommitOptions {
	/** Batches in flight at once per app process (a batch holds one connection). */
	inFlight: number;
	/** Milliseconds a batch smaller than MAX_BATCH waits for more items while another batch is in flight (0: none). */
	waitMs: number;
}

export const DEFAULT_GROUP_COMMIT: Readonly<GroupCommitOptions> = { inFlight: 2, waitMs: 1 };
let options: GroupCommitOptions = { ...DEFAULT_GROUP_COMMIT };

/** Changes how batches form (the bench measures the wait's effect); applies to batches formed after. */
export function setGroupCommitOptions(next: Partial<GroupCommitOptions>): void {
	options = { ...options, ...next };
}

/** A database error of one item (its SQLSTATE in `code`, as a driver's error has it), thrown to that item's caller only. */
export class ItemError extends Error {
	constructor(
		readonly code: string,
		message: string
	) {
		super(message);
	}
}

interface Waiting {
	/** The item as JSON (storableItem). */
	item: string;
	resolve: (answer: unknown) => void;
	reject: (e: unknown) => void;
}

interface Queue {
	waiting: Waiting[];
	inFlight: number;
	timer: ReturnType<typeof setTimeout> | null;
}

const queues = new WeakMap<Executor, Queue>();

/**
 * Queues `item` for the next batch on `exec` (the database) and resolves to its quota_spend answer
 * (parsed JSON). Rejects with an ItemError when the item raised in SQL, or with the batch's error when
 * the batch could not run at all (the database is unreachable).
 */
export function spendInBatch(exec: Executor, spend: SpendItem): Promise<unknown> {
	const item = storableItem(spend);
	let q = queues.get(exec);
	if (!q) queues.set(exec, (q = { waiting: [], inFlight: 0, timer: null }));
	const queue = q;
	return new Promise((resolve, reject) => {
		queue.waiting.push({ item, resolve, reject });
		pump(exec, queue);
	});
}

function pump(exec: Executor, q: Queue): void {
	while (q.inFlight < options.inFlight && q.waiting.length > 0) {
		if (options.waitMs > 0 && q.inFlight > 0 && q.waiting.length < MAX_BATCH) {
			q.timer ??= setTimeout(() => {
				q.timer = null;
				flush(exec, q);
			}, options.waitMs);
			return;
		}
		send(exec, q);
	}
}

function flush(exec: Executor, q: Queue): void {
	if (q.inFlight < options.inFlight && q.waiting.length > 0) send(exec, q);
	pump(exec, q);
}

function send(exec: Executor, q: Queue): void {
	if (q.timer) clearTimeout(q.timer);
	q.timer = null;
	const batch = q.waiting.splice(0, MAX_BATCH);
	q.inFlight++;
	void run(exec, batch).finally(() => {
		q.inFlight--;
		pump(exec, q);
	});
}

async function run(exec: Executor, batch: Waiting[]): Promise<void> {
	try {
		const [row] = await queryRows<{ r: unknown }>(exec, sql`select quota_spend_batch(${`[${batch.map((w) => w.item).join(',')}]`}::jsonb) as r`);
		const raw = row!.r;
		const answers = (typeof raw === 'string' ? JSON.parse(raw) : raw) as unknown[];
		batch.forEach((w, i) => {
			const a = answers[i] as { ok?: boolean; error?: { sqlstate: string; message: string } } | undefined;
			if (a?.error) w.reject(new ItemError(a.error.sqlstate, a.error.message));
			else w.resolve(a);
		});
	} catch (e) {
		for (const w of batch) w.reject(e);
	}
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A NUL or a lone surrogate, as JSON.stringify escapes them (after an even run of backslashes): jsonb refuses both. */
const UNSTORABLE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/**
 * The item as JSON for quota_spend_batch / quota_spend_item, validated first: a value Postgres would
 * refuse while reading a batch's parameter, or while locking its accounts, would fail every item of
 * the batch, so it is refused here, for its own caller only, as the database would have refused it
 * (DomainError invalid_input).
 */
export function storableItem(item: SpendItem): string {
	for (const [field, id] of [['account', item.account], ['actor', item.actor_user], ['actor', item.actor_key]] as const) {
		if (id !== null && !UUID.test(id)) throw new DomainError('invalid_input', `The ${field} id is not a uuid.`, { field });
	}
	const json = JSON.stringify(item);
	if (UNSTORABLE.test(json)) throw new DomainError('invalid_input', 'A value in the request cannot be stored (out of range or malformed).');
	return json;
}
