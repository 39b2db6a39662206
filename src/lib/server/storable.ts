import { ZodError } from 'zod';

/**
 * Text PostgreSQL cannot store: NUL (U+0000; `text` and `jsonb` refuse it with 22021/22P05) and a
 * UTF-16 surrogate without its pair (no UTF-8 encoding exists; JSON's `\ud800` escape makes one).
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isStorableText = (s: string): boolean => !UNSTORABLE.test(s);

type Path = (string | number)[];

/**
 * The deepest nesting of arrays and objects taken in any input (a body, a tRPC input, a webhook's
 * payload): far beyond a real one, and far below what a recursive walk (zod, JSON.stringify,
 * PostgreSQL's jsonb) survives. 10,000 brackets, well inside a 64 KB body, overflowed the stack.
 */
export const MAX_NESTING = 64;

/** Where input cannot be stored: a string (`text`) or an object key (`key`) holding unstorable text, or nesting beyond MAX_NESTING (`depth`). */
export interface Unstorable {
	path: Path;
	problem: 'text' | 'key' | 'depth';
}

/**
 * The first place in `value`, in document order, that cannot be stored (Unstorable), or null. A walk
 * with its own stack, not recursion: the input decides how deep it goes.
 */
export function unstorablePath(value: unknown, path: Path = []): Unstorable | null {
	// `key`: the object key an entry is under, checked when the entry's turn comes (document order).
	const stack: { value: unknown; path: Path; key?: string }[] = [{ value, path }];
	while (stack.length) {
		const { value: v, path: at, key } = stack.pop()!;
		if (key !== undefined && !isStorableText(key)) return { path: at.slice(0, -1), problem: 'key' };
		if (typeof v === 'string') {
			if (!isStorableText(v)) return { path: at, problem: 'text' };
			continue;
		}
		if (!v || typeof v !== 'object') continue;
		// Named by the outermost field it is in (an object's), not by a path 64 brackets long.
		if (at.length - path.length >= MAX_NESTING) return { path: Array.isArray(value) ? path : at.slice(0, path.length + 1), problem: 'depth' };
		const children = Array.isArray(v) ? v.map((item, i) => ({ value: item as unknown, path: [...at, i] })) : Object.entries(v).map(([k, item]) => ({ value: item as unknown, path: [...at, k], key: k }));
		// Reversed, so the first child is looked at first.
		for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
	}
	return null;
}

const UNSTORABLE_TEXT = 'a NUL character or an unpaired surrogate: neither can be stored.';

/** Each problem as a field's rule ("metadata cannot hold …") and as the whole input's ("The input holds …"). */
const PROBLEM_WORDS: Record<Unstorable['problem'], { field: string; whole: string }> = {
	text: { field: `cannot hold ${UNSTORABLE_TEXT}`, whole: `holds ${UNSTORABLE_TEXT}` },
	key: { field: `cannot have a key holding ${UNSTORABLE_TEXT}`, whole: `has a key holding ${UNSTORABLE_TEXT}` },
	depth: { field: `cannot nest arrays and objects more than ${MAX_NESTING} levels deep.`, whole: `nests arrays and objects more than ${MAX_NESTING} levels deep.` }
};

/**
 * Refuses input (a parsed body, a query, path parameters, a header) that cannot be stored (text the
 * database refuses, or nesting beyond MAX_NESTING), as a zod error naming the field, so every
 * transport answers it as it answers any other invalid field (REST: 400 `invalid_input`; tRPC:
 * BAD_REQUEST with field errors). Runs on the raw input before a schema parses it, so no schema can
 * forget it, and no schema walks a nesting deeper than that.
 * @param base the field's name when `value` is a single string (e.g. a header), else none
 */
export function assertStorable(value: unknown, base: Path = []): void {
	const found = unstorablePath(value, base);
	if (!found) return;
	// Worded as a rule of the field, which the edges put the field's name before (input-words.ts firstIssue).
	const words = PROBLEM_WORDS[found.problem];
	const message = found.path.length ? words.field : `The input ${words.whole}`;
	throw new ZodError([{ code: 'custom', path: found.path, input: undefined, message }]);
}

/**
 * Refuses a header holding text that cannot be stored, naming it. No HTTP client gets one here (Node's parser
 * refuses a NUL, and a header is bytes, so it holds no surrogate): a guard for a Request made in the process.
 */
export function assertStorableHeaders(headers: Headers): void {
	for (const [name, value] of headers) assertStorable(value, [name]);
}

const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** `text` with every unstorable character replaced by U+FFFD, for keeping a copy of refused input. */
export const toStorableText = (text: string): string => text.replace(UNSTORABLE_ALL, '\uFFFD');
