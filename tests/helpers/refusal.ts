import { expect } from 'vitest';
import { TRPCError } from '@trpc/server';
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

/** The tRPC refusal `p` ends in: its tRPC code, the domain's code behind it, and the message people read. */
export async function trpcRefusal(p: Promise<unknown>): Promise<{ code: TRPCError['code']; domain: string | undefined; message: string }> {
	const e = await p.then(
		() => null,
		(err: unknown) => err
	);
	expect(e, 'expected a refusal').toBeInstanceOf(TRPCError);
	const t = e as TRPCError;
	return { code: t.code, domain: t.cause instanceof DomainError ? t.cause.code : undefined, message: t.message };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The site's next midnight (UTC in the tests) as REST messages and the app write a reset: "Dec 7, 2026,
 * 00:00 UTC". Spelled out here rather than by the app's formatter, so a change of the form fails a test.
 */
export function nextMidnightWords(): string {
	const d = new Date();
	const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
	return `${MONTHS[day.getUTCMonth()]} ${day.getUTCDate()}, ${day.getUTCFullYear()}, 00:00 UTC`;
}
