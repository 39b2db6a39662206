import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth: the same request always gives the same text. */
function canonical(value: unknown): unknown {
	if (value instanceof Date) return value.toISOString();
	if (Array.isArray(value)) return value.map(canonical);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.keys(value)
				.sort()
				.filter((k) => (value as Record<string, unknown>)[k] !== undefined)
				.map((k) => [k, canonical((value as Record<string, unknown>)[k])])
		);
	}
	return value;
}

/**
 * The hash of a keyed write's request (base64url SHA-256 of its canonical JSON). Every keyed write
 * stores it with its key and first answer: one idempotency key = one request hash = one stored answer
 * (the same key with another hash is `idempotency_key_reused`). `parts` names the operation and
 * everything that decides its effect; key order in objects and `undefined` members do not matter.
 */
export function requestHash(parts: unknown): string {
	return createHash('sha256').update(JSON.stringify(canonical(parts))).digest('base64url');
}
