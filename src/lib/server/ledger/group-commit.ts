import { sql } from 'drizzle-orm';
import { isUuid, queryRows, type Executor } from '../db/client';
import { batcher, type BatchOptions, type Outcome } from '../db/batches';
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
 * latency); while one is in flight, a batch leaves at the end of the event loop's turn (`gather:
 * 'turn'`, db/batches.ts) with every consume submitted in it: the requests whose data arrived
 * together, and the next calls of the callers the last batch answered. No timer: against the 1 ms one
 * used up to 3 December, in back-to-back runs of bench:consume on a quiet machine, the ledger did as
 * well or better (0.36 and 1.84 of the plain debit against 0.32 and 1.75) and HTTP the same; and a
 * timer fires late on a busy machine (docs/benchmarks.md, 3 December).
 *
 * A batch takes its even share of the consumes out (`share: 'even'`): 16 callers over two slots make
 * two batches of about 8 rather than one of 15 beside one of 1, which kept one backend busy on single
 * items. Over 10,000 accounts that gave 0.42–0.44 of the plain debit against 0.35–0.37 taking every
 * waiting item, hot 4,195–4,371/s against 3,997–4,258/s (probe runs alternated, 3 December).
 */

/** One consume or hold (or a check, read in batches of its own: spend.ts), in quota_spend's terms (snake_case, as the SQL reads it). */
export interface SpendItem {
	mode: 'consume' | 'hold' | 'check';
	account: string;
	actor_user: string | null;
	actor_key: string | null;
	feature: string;
	/** Units measured (a consume's, a check's); null for a hold, whose cost is its `hold_tokens`. */
	units: number | null;
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

export type GroupCommitOptions = Omit<BatchOptions, 'maxBatch'>;

export const DEFAULT_GROUP_COMMIT: Readonly<GroupCommitOptions> = { inFlight: 2, gather: 'turn', share: 'even' };
let options: BatchOptions = { ...DEFAULT_GROUP_COMMIT, maxBatch: MAX_BATCH };

/** Changes how batches form (the bench measures gathering's effect); applies to batches formed after. */
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

/** One batch: the items (as JSON, storableItem) in one call of quota_spend_batch, answered in order. */
async function runBatch(exec: Executor, items: string[]): Promise<Outcome<unknown>[]> {
	const [row] = await queryRows<{ r: unknown }>(exec, sql`select quota_spend_batch(${`[${items.join(',')}]`}::jsonb) as r`);
	const raw = row!.r;
	const answers = (typeof raw === 'string' ? JSON.parse(raw) : raw) as unknown[];
	return answers.map((answer) => {
		const a = answer as { error?: { sqlstate: string; message: string } } | undefined;
		return a?.error ? { ok: false, error: new ItemError(a.error.sqlstate, a.error.message) } : { ok: true, value: answer };
	});
}

const submit = batcher(runBatch, () => options);

/**
 * Queues `item` for the next batch on `exec` (the database) and resolves to its quota_spend answer
 * (parsed JSON). Rejects with an ItemError when the item raised in SQL, or with the batch's error when
 * the batch could not run at all (the database is unreachable).
 */
export function spendInBatch(exec: Executor, spend: SpendItem): Promise<unknown> {
	return submit(exec, storableItem(spend));
}

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
		if (id !== null && !isUuid(id)) throw new DomainError('invalid_input', `The ${field} id is not a uuid.`, { field });
	}
	const json = JSON.stringify(item);
	if (UNSTORABLE.test(json)) throw new DomainError('invalid_input', 'A value in the request cannot be stored (out of range or malformed).');
	return json;
}
