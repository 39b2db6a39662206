import { TRPCClientError } from '@trpc/client';
import { localeFormatter, refusalMessage, type RefusalDetails } from '$lib/refusal-message';

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

/** A refusal's words with its figures in the reader's locale (the server's words when it sent no figures). */
export function refusalText(r: { details: RefusalDetails | null; message: string | null }): string | null {
	return refusalMessage(r.details, r.message, localeFormatter());
}

export function errorMessage(error: unknown): string {
	if (isNetworkError(error)) return 'You are offline. Try again when you have a connection.';
	const refusal = error instanceof TRPCClientError ? (error.data as { refusal?: RefusalDetails | null } | undefined)?.refusal : null;
	if (refusal) return refusalText({ details: refusal, message: (error as Error).message }) ?? (error as Error).message;
	return error instanceof Error ? error.message : 'Something went wrong.';
}
