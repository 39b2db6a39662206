import { expect } from 'vitest';
import { DomainError } from '../../src/lib/server/errors';

/** The domain's refusal `p` ends in (the test fails when it succeeds or fails otherwise). */
export async function refusal(p: Promise<unknown>): Promise<DomainError> {
	const e = await p.then(
		() => null,
		(err: unknown) => err
	);
	expect(e, 'expected a refusal').toBeInstanceOf(DomainError);
	return e as DomainError;
}
