import { describe, expect, it } from 'vitest';
import { KeyRateLimiter } from '../../src/lib/server/rest/rate-limit';

describe('the REST rate limiter', () => {
	it('keeps the buckets of the keys used last, a bounded number, and still limits them', () => {
		const limiter = new KeyRateLimiter(1, 2, 100);
		for (let i = 0; i < 1_000; i++) limiter.take(`key-${i}`, 0);
		expect(limiter.size).toBe(100);
		limiter.take('key-999', 0);
		expect(() => limiter.take('key-999', 0)).toThrow(expect.objectContaining({ code: 'rate_limited', retryAfterSeconds: 1 }));
	});
});
