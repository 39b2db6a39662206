// A refusal that names a field, for the pages whose forms say it beside that field; apart from
// errors.ts, which every page loads at start.
import { TRPCClientError } from '@trpc/client';

/** The fields a tRPC refusal names (the server's `fieldErrors`), each with its words; empty for any other error. */
function namedFields(error: unknown): Record<string, string[] | undefined> {
	if (!(error instanceof TRPCClientError)) return {};
	return (error.data as { fieldErrors?: Record<string, string[] | undefined> | null } | undefined)?.fieldErrors ?? {};
}

/** The refusal's words when it names `field`, so a form says them beside that field; else null. */
export function fieldError(error: unknown, field: string): string | null {
	return namedFields(error)[field]?.length ? (error as Error).message : null;
}

/** Each field a refusal names with its first words, for a form that says them under the fields. */
export function fieldWords(error: unknown): Record<string, string> {
	return Object.fromEntries(Object.entries(namedFields(error)).flatMap(([field, words]) => (words?.[0] ? [[field, words[0]]] : [])));
}

/** The first of `fields` (the server's names, in the form's order) the refusal names, with its words; else null. */
export function refusedField<F extends string>(error: unknown, fields: readonly F[]): [F, string] | null {
	for (const f of fields) {
		const text = fieldError(error, f);
		if (text) return [f, text];
	}
	return null;
}
