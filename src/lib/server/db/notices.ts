import { sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Executor } from './client';
import { logFailure } from '../log';

const BATCH_MS = 10;

interface Batch {
	payloads: Set<string>;
	timer: ReturnType<typeof setTimeout> | null;
	sending: Promise<void> | null;
}
/** Waiting notices per database and channel. */
const batches = new Map<Executor, Map<string, Batch>>();

/** Whether `exec` is an open transaction (what it writes is seen by others only at its commit). */
export function isTransaction(exec: Executor): boolean {
	return exec instanceof PgTransaction;
}

/**
 * NOTIFY `channel` with `payload` after what was just committed on `exec` (the database, not a
 * transaction), batched: every payload of the next 10 ms goes out in one statement. A
 * transaction that NOTIFYs holds a database-wide lock until its commit is flushed, so one
 * NOTIFY transaction for many changes costs far less than one NOTIFY in each.
 */
export function notifyAfterCommit(exec: Executor, channel: string, payload: string): void {
	let byChannel = batches.get(exec);
	if (!byChannel) batches.set(exec, (byChannel = new Map()));
	let batch = byChannel.get(channel);
	if (!batch) byChannel.set(channel, (batch = { payloads: new Set(), timer: null, sending: null }));
	batch.payloads.add(payload);
	if (!batch.timer && !batch.sending) batch.timer = setTimeout(() => void send(exec, channel, batch), BATCH_MS);
}

async function send(exec: Executor, channel: string, batch: Batch): Promise<void> {
	batch.timer = null;
	const payloads = [...batch.payloads];
	batch.payloads.clear();
	batch.sending = exec
		.execute(sql`select pg_notify(${channel}, p) from jsonb_array_elements_text(${JSON.stringify(payloads)}::jsonb) p`)
		.then(() => undefined)
		.catch((e) => void logFailure('db', `NOTIFY ${channel} of ${payloads.length} change(s) failed`, e));
	await batch.sending;
	batch.sending = null;
	// What arrived while sending goes out in the next batch.
	if (batch.payloads.size) batch.timer = setTimeout(() => void send(exec, channel, batch), BATCH_MS);
	else batches.get(exec)?.delete(channel);
	if (batches.get(exec)?.size === 0) batches.delete(exec);
}

/** Sends what still waits for `exec` now (before its connections close). */
export async function flushNotices(exec: Executor): Promise<void> {
	for (const [channel, batch] of [...(batches.get(exec) ?? [])]) {
		await batch.sending;
		if (batch.timer) {
			clearTimeout(batch.timer);
			await send(exec, channel, batch);
		}
	}
}
