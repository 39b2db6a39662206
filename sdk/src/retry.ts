import { QuotaNetworkError } from './errors.js';

/** How the client retries. Times in milliseconds. */
export interface RetryPolicy {
	/** The most time one call may take, retries and waits included (default 20 000). */
	maxElapsedMs: number;
	/** The most time one attempt may wait for the answer's headers (default 10 000). */
	attemptTimeoutMs: number;
	/** First backoff step; doubled per attempt, with full jitter (default 250). */
	baseDelayMs: number;
	/** The longest backoff step when the API names no `Retry-After` (default 4 000). */
	maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxElapsedMs: 20_000, attemptTimeoutMs: 10_000, baseDelayMs: 250, maxDelayMs: 4_000 };

type Fetch = (request: Request) => Promise<Response>;

/** `Retry-After` in milliseconds (delta-seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
	if (!header) return null;
	if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
	const at = Date.parse(header);
	return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Whether an answer is worth sending the same request again: 429, 503, and 409 when the first
 * request with this Idempotency-Key is still running. Every other refusal is final (a retry would
 * be refused the same way).
 */
async function retryable(res: Response): Promise<boolean> {
	if (res.status === 429 || res.status === 503) return true;
	if (res.status !== 409) return false;
	const body = (await res
		.clone()
		.json()
		.catch(() => null)) as { error?: unknown } | null;
	return body?.error === 'idempotency_key_in_flight';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal.aborted) return reject(signal.reason);
		const done = () => {
			signal.removeEventListener('abort', abort);
			resolve();
		};
		const timer = setTimeout(done, ms);
		const abort = () => {
			clearTimeout(timer);
			reject(signal.reason);
		};
		signal.addEventListener('abort', abort, { once: true });
	});
}

/**
 * One attempt: the caller's signal still aborts it, and it times out after `timeoutMs` unless the
 * answer's headers came first (a long body, such as the stream, is not cut off).
 */
async function attempt(send: Fetch, request: Request, timeoutMs: number): Promise<Response> {
	const controller = new AbortController();
	const forward = () => controller.abort(request.signal.reason);
	if (request.signal.aborted) forward();
	else request.signal.addEventListener('abort', forward, { once: true });
	const timer = setTimeout(() => controller.abort(new QuotaNetworkError(`No answer within ${timeoutMs} ms.`)), timeoutMs);
	try {
		return await send(new Request(request.clone(), { signal: controller.signal }));
	} finally {
		clearTimeout(timer);
	}
}

/**
 * `send`, retried with the very same request (so the same Idempotency-Key) on network errors,
 * timeouts, 429, 503 and 409 `idempotency_key_in_flight`, waiting what `Retry-After` asks or an
 * exponential backoff, until `maxElapsedMs` would be passed. Then the last answer is returned (and
 * becomes its typed error), or a `QuotaNetworkError` is thrown when there was none. The caller's
 * abort is never retried.
 */
export function retrying(send: Fetch, policy: RetryPolicy): Fetch {
	return async (request) => {
		const deadline = Date.now() + policy.maxElapsedMs;
		/** The last retryable answer, returned when the budget runs out before a better one. */
		let last: Response | null = null;
		for (let n = 0; ; n++) {
			const left = deadline - Date.now();
			const backoff = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n);
			let wait = backoff;
			try {
				const res = await attempt(send, request, Math.max(1, Math.min(policy.attemptTimeoutMs, left)));
				if (!(await retryable(res))) return res;
				await last?.body?.cancel();
				last = res;
				wait = retryAfterMs(res.headers.get('retry-after')) ?? backoff;
			} catch (e) {
				if (request.signal.aborted) throw request.signal.reason;
				if (!last && Date.now() + wait >= deadline) {
					throw new QuotaNetworkError(`The Quota API could not be reached within ${policy.maxElapsedMs} ms.`, { cause: e });
				}
			}
			if (Date.now() + wait >= deadline) return last!;
			await sleep(wait, request.signal);
		}
	};
}
