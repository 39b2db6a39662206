import type { Hold, HoldRequest, Quota, SettleResult } from './client.js';

/** What `fn` reports: the tokens the work cost (settled, at most what is held) and its value. */
export interface HoldOutcome<T> {
	tokens: number;
	value: T;
}

/**
 * Holds `request.max_tokens`, runs `fn`, and settles what `fn` reports it cost (capped at the held
 * amount: a hold cannot charge more than it reserved). When `fn` throws, or `signal` aborts before
 * it ends, the hold is released and the error thrown on. A refused hold (`InsufficientTokens`, …)
 * throws before `fn` runs. A release that itself fails is left to the hold's `ttl_seconds`.
 */
export async function withHold<T>(
	quota: Quota,
	request: HoldRequest,
	fn: (hold: Hold, signal: AbortSignal) => Promise<HoldOutcome<T>>,
	options: { signal?: AbortSignal } = {}
): Promise<{ value: T; hold: Hold; settled: SettleResult }> {
	const signal = options.signal ?? new AbortController().signal;
	const hold = await quota.hold(request, { signal });
	let outcome: HoldOutcome<T>;
	try {
		outcome = await fn(hold, signal);
		signal.throwIfAborted();
	} catch (e) {
		await quota.release(hold.hold_id).catch(() => {});
		throw e;
	}
	const settled = await quota.settle(hold.hold_id, Math.max(0, Math.min(hold.held, Math.ceil(outcome.tokens))));
	return { value: outcome.value, hold, settled };
}
