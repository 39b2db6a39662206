import { LRUCache } from 'lru-cache';
import { DomainError } from '../errors';

/**
 * A per-process token bucket per API key for the metering endpoints. It sits on the hot path,
 * so it stays in memory: a shared counter row would serialise every request of a site key.
 * With N app processes a key gets up to N × the rate. The buckets of the `maxKeys` keys used
 * last are kept; a key not seen for that long starts again with a full burst.
 */
export class KeyRateLimiter {
	private readonly buckets: LRUCache<string, { tokens: number; at: number }>;
	constructor(
		private readonly perSecond: number,
		private readonly burst: number,
		maxKeys = 10_000
	) {
		this.buckets = new LRUCache({ max: maxKeys });
	}

	/** How many keys have a bucket (never more than `maxKeys`). */
	get size(): number {
		return this.buckets.size;
	}

	take(key: string, now = Date.now()): void {
		const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
		b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
		b.at = now;
		if (b.tokens < 1) {
			this.buckets.set(key, b);
			throw new DomainError('rate_limited', 'Too many requests for this API key; slow down.', undefined, Math.ceil((1 - b.tokens) / this.perSecond));
		}
		b.tokens -= 1;
		this.buckets.set(key, b);
	}
}
