// A refusal that names a field, for the pages whose forms say it beside that field; apart from
// errors.ts, which every page loads at start.
import { TRPCClientError } from '@trpc/client';

/** The fields a tRPC refusal names (the server's `fieldErrors`), each with its words; empty for any other error. */
function namedFields(error: unknown): Record<string, string[] | undefined> {
	if (!(error instanceof TRPCClientError)) return {};
	return (error.data as { fieldErrors?: Record<string, string[] | undefined> | null } | undefined)?.fieldErrors ?? {};
}

/**
 * The refusal's words when it names `field`, so a form says them beside that field; else null.
 * Beside the field its name is not said again: a refusal of the input itself ("Email: Enter a valid
 * email address…") is said as the field's own words ("Enter a valid email address…"), as the form's
 * own checks say them; any other refusal ("a@b.test is already in this team.") as the server says it.
 */
export function fieldError(error: unknown, field: string): string | null {
	const words = namedFields(error)[field]?.[0];
	if (!words) return null;
	const message = (error as Error).message;
	return message.endsWith(`: ${words}`) ? words : message;
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
