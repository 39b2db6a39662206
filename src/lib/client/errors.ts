import { TRPCClientError } from '@trpc/client';

/** The server says the session is gone (or never was). */
export function isUnauthorized(error: unknown): boolean {
	return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === 'UNAUTHORIZED';
}

/** The request never got an answer: offline, server unreachable, or timed out. */
export function isNetworkError(error: unknown): boolean {
	if (error instanceof TRPCClientError) return !error.data && !error.shape;
	return error instanceof TypeError || (error instanceof DOMException && (error.name === 'AbortError' || error.name === 'TimeoutError'));
}

/** The domain code of a refusal (e.g. `insufficient_tokens`), when the server gave one. */
export function domainCode(error: unknown): string | null {
	if (error instanceof TRPCClientError) return (error.data as { domainCode?: string | null } | undefined)?.domainCode ?? null;
	return null;
}

/**
 * What to tell the reader: offline, or the server's words. A spend's refusal (only the playground's
 * run can get one) is worded in the reader's locale by `refusal-text.ts`, kept out of every page's start.
 */
export function errorMessage(error: unknown): string {
	if (isNetworkError(error)) return 'You are offline. Try again when you have a connection.';
	return error instanceof Error ? error.message : 'Something went wrong.';
}
