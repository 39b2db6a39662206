import { TRPCClientError } from '@trpc/client';
import { OFFLINE_WORDS } from './offline-words';

/**
 * A request not sent: this device holds no session (no signed-in mark, lib/signed-in.ts), so the
 * server could only answer 401, which the browser logs as an error (trpc.ts).
 */
export class SignedOut extends Error {
	constructor() {
		super('You are not signed in.');
	}
}

/** A request not sent for want of a session on this device (`SignedOut`), not the server's 401. */
export const isNotAsked = (error: unknown) => error instanceof Error && error.cause instanceof SignedOut;

/** The server says the session is gone (or never was), or the device knows it has none (`isNotAsked`). */
export function isUnauthorized(error: unknown): boolean {
	return error instanceof TRPCClientError && (isNotAsked(error) || (error.data as { code?: string } | undefined)?.code === 'UNAUTHORIZED');
}

/** The request never got an answer: offline, server unreachable, or timed out. */
export function isNetworkError(error: unknown): boolean {
	if (error instanceof TRPCClientError) return !error.data && !error.shape && !isNotAsked(error);
	return error instanceof TypeError || (error instanceof DOMException && (error.name === 'AbortError' || error.name === 'TimeoutError'));
}

/**
 * What to tell the reader: offline, or the server's words. A spend's refusal (only the playground's
 * run can get one) is worded in the reader's locale by `refusal-text.ts`, kept out of every page's start.
 */
export function errorMessage(error: unknown): string {
	if (isNetworkError(error)) return OFFLINE_WORDS;
	return error instanceof Error ? error.message : 'Something went wrong.';
}
