import { DomainError, fieldRefusal } from '../errors';
import { MAX_UNITS } from '../../cost';
import { MAX_TOKENS } from '../../token-range';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';

export { MAX_TOKENS, MAX_UNITS };

/** Longest idempotency key (characters), for every keyed write. */
export const MAX_IDEMPOTENCY_KEY = 255;

export function wholeNumber(name: string, value: unknown, min: number, max: number): number {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
		throw fieldRefusal(name, `${name} must be a whole number from ${min} to ${max}.`);
	}
	return value;
}

export function idempotencyKey(key: unknown): string {
	if (typeof key !== 'string' || key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY) {
		throw new DomainError('invalid_input', `The idempotency key must be 1–${counted(MAX_IDEMPOTENCY_KEY, 'character', plainFormatter.tokens)}.`, { field: 'idempotencyKey' });
	}
	return key;
}
