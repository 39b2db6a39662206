import { TRPCClientError } from '@trpc/client';
import { localeFormatter, refusalMessage, type RefusalDetails } from '$lib/refusal-message';
import { errorMessage } from './errors';
import { appZone } from './format';

// The words of a spend's refusal (not enough tokens, a limit, a feature turned off) with its figures
// in the reader's locale. Only the pages that spend or preview a spend need them: a module of its own,
// outside the chunk every signed-in page starts with (vite.config.ts).

/**
 * A refusal's words with its figures in the reader's locale and its reset time in the app's time
 * zone (the server's words when it sent no figures).
 */
export function refusalText(r: { details: RefusalDetails | null; message: string | null }): string | null {
	return refusalMessage(r.details, r.message, localeFormatter(undefined, appZone.now() ?? Intl.DateTimeFormat().resolvedOptions().timeZone));
}

/** `errorMessage`, but a spend's refusal (tRPC error data `refusal`) in the reader's locale. */
export function spendErrorMessage(error: unknown): string {
	const refusal = error instanceof TRPCClientError ? (error.data as { refusal?: RefusalDetails | null } | undefined)?.refusal : null;
	if (refusal) return refusalText({ details: refusal, message: (error as Error).message }) ?? (error as Error).message;
	return errorMessage(error);
}
