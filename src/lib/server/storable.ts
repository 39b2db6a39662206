import { ZodError } from 'zod';

/**
 * Text PostgreSQL cannot store: NUL (U+0000; `text` and `jsonb` refuse it with 22021/22P05) and a
 * UTF-16 surrogate without its pair (no UTF-8 encoding exists; JSON's `\ud800` escape makes one).
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isStorableText = (s: string): boolean => !UNSTORABLE.test(s);

type Path = (string | number)[];

/** The path of the first string (or object key) in `value` that cannot be stored, or null. */
export function unstorablePath(value: unknown, path: Path = []): { path: Path; inKey: boolean } | null {
	if (typeof value === 'string') return isStorableText(value) ? null : { path, inKey: false };
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) {
			const found = unstorablePath(value[i], [...path, i]);
			if (found) return found;
		}
		return null;
	}
	if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) {
			if (!isStorableText(k)) return { path, inKey: true };
			const found = unstorablePath(v, [...path, k]);
			if (found) return found;
		}
	}
	return null;
}

/**
 * Refuses input (a parsed body, a query, path parameters, a header) holding text the database
 * cannot store, as a zod error naming the field, so every transport answers it as it answers any
 * other invalid field (REST: 400 `invalid_input`; tRPC: BAD_REQUEST with field errors). Runs on the
 * raw input before a schema parses it, so no schema can forget it.
 * @param base the field's name when `value` is a single string (e.g. a header), else none
 */
export function assertStorable(value: unknown, base: Path = []): void {
	const found = unstorablePath(value, base);
	if (!found) return;
	// Worded as a rule of the field, which the edges put the field's name before (input-words.ts firstIssue).
	const message = !found.path.length
		? 'The input holds a NUL character or an unpaired surrogate: neither can be stored.'
		: `cannot ${found.inKey ? 'have a key holding' : 'hold'} a NUL character or an unpaired surrogate: neither can be stored.`;
	throw new ZodError([{ code: 'custom', path: found.path, input: undefined, message }]);
}

const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** `text` with every unstorable character replaced by U+FFFD, for keeping a copy of refused input. */
export const toStorableText = (text: string): string => text.replace(UNSTORABLE_ALL, '\uFFFD');
