import { z, type ZodError } from 'zod';
import { counted } from '../counted';
import { spelledOut } from '../visible-text';

// How Quota words invalid input: one sentence naming the field ("units must be a whole number from
// 1 to 1,000,000."), never zod's own words ("Too small: expected number to be >=1"). Installed as
// zod's error map for the whole server (every REST route, tRPC procedure, form action, domain
// parse and the environment), so no parse site can forget it; a schema's own message still wins.

type Issue = z.core.$ZodRawIssue;
type Path = readonly PropertyKey[];

/**
 * The field an issue is about, as the caller named it: `units`, `event_types[0]`, `metadata.note`; a
 * key of theirs holding an invisible character spelled out (`metadata.[U+202E]evil`), so the sentence
 * naming it reads as written.
 */
function fieldName(path: Path | undefined): string {
	if (!path?.length) return 'The input';
	return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${spelledOut(String(k))}`)).join('');
}

const count = (n: number | bigint): string => Number(n).toLocaleString('en-US');
const plural = (n: number | bigint, noun: string): string => counted(Number(n), noun, count);
const quoted = (values: readonly unknown[]): string => values.map((v) => JSON.stringify(v)).join(', ');
/** A bound zod keeps for `int()` alone (the safe-integer range) says nothing a caller must know. */
const bound = (n: number | null | undefined): number | null => (n == null || !Number.isFinite(n) || Math.abs(n) >= Number.MAX_SAFE_INTEGER ? null : n);

interface NumberSchema {
	isInt?: boolean;
	_zod?: { def?: { checks?: readonly { _zod: { def: { check: string; value?: unknown; inclusive?: boolean } } }[] } };
}

type Bound = { value: number; inclusive: boolean } | null;

/** The tightest bound of one side among a number schema's checks (`min`/`gte`, `positive`/`gt`, …). */
function schemaBound(schema: NumberSchema | undefined, side: 'greater_than' | 'less_than'): Bound {
	let tightest: Bound = null;
	for (const check of schema?._zod?.def?.checks ?? []) {
		const { check: kind, value, inclusive = true } = check._zod.def;
		if (kind !== side || typeof value !== 'number' || bound(value) === null) continue;
		const tighter = !tightest || (side === 'greater_than' ? value > tightest.value : value < tightest.value) || (value === tightest.value && !inclusive);
		if (tighter) tightest = { value, inclusive };
	}
	return tightest;
}

/** A bound of a whole number said inclusively: more than 0 is at least 1. */
const wholeBound = (b: Bound, step: 1 | -1): Bound => (b && !b.inclusive && Number.isInteger(b.value) ? { value: b.value + step, inclusive: true } : b);

/** "a whole number from 1 to 200", from the schema's own bounds (or the issue's, when the schema is not at hand). */
function numberRule(schema: NumberSchema | undefined, iss: Issue): string {
	const isWhole = Boolean(schema?.isInt || ('format' in iss && iss.format === 'safeint'));
	// The bound the value broke, even int()'s own safe-integer one: 1e20 for a schema with no maximum of
	// its own is "at most 9,007,199,254,740,991", not "must be a whole number" (which it is).
	const issued = (side: 'too_small' | 'too_big'): Bound =>
		iss.code === side && Number.isFinite(Number(side === 'too_small' ? iss.minimum : iss.maximum))
			? { value: Number(side === 'too_small' ? iss.minimum : iss.maximum), inclusive: iss.inclusive !== false }
			: null;
	let min = schemaBound(schema, 'greater_than') ?? issued('too_small');
	let max = schemaBound(schema, 'less_than') ?? issued('too_big');
	if (isWhole) [min, max] = [wholeBound(min, 1), wholeBound(max, -1)];
	const whole = isWhole ? 'a whole number' : 'a number';
	if (min?.inclusive && max?.inclusive) return `${whole} from ${count(min.value)} to ${count(max.value)}`;
	const lower = min && `${min.inclusive ? 'at least' : 'more than'} ${count(min.value)}`;
	const upper = max && `${max.inclusive ? 'at most' : 'less than'} ${count(max.value)}`;
	if (lower && upper) return `${whole} of ${lower} and ${upper}`;
	return lower || upper ? `${whole} of ${lower ?? upper}` : whole;
}

interface TextSchema {
	minLength?: number | null;
	maxLength?: number | null;
}

/** "text of 1 to 64 characters", from the schema's own lengths (a length in characters: its `maxLength` meta, fields.ts atMostCharacters). */
function textRule(schema: TextSchema | undefined, iss: Issue): string {
	const min = schema?.minLength ?? (iss.code === 'too_small' ? Number(iss.minimum) : null);
	const inCharacters = schema && z.globalRegistry.get(schema as z.ZodType)?.maxLength;
	const max = schema?.maxLength ?? (typeof inCharacters === 'number' ? inCharacters : null) ?? (iss.code === 'too_big' ? Number(iss.maximum) : null);
	if (min && max) return min === max ? `text of exactly ${plural(min, 'character')}` : `text of ${count(min)} to ${plural(max, 'character')}`;
	if (min) return min === 1 ? 'text that is not empty' : `text of at least ${plural(min, 'character')}`;
	if (max) return `text of at most ${plural(max, 'character')}`;
	return 'text';
}

const TYPES: Record<string, string> = {
	string: 'text',
	boolean: 'true or false',
	object: 'a JSON object',
	record: 'a JSON object',
	array: 'a list (a JSON array)',
	null: 'null'
};

const FORMATS: Record<string, string> = {
	uuid: 'a UUID, like 123e4567-e89b-12d3-a456-426614174000',
	email: 'an email address, like name@example.com',
	url: 'a URL, like https://example.com/path',
	datetime: 'a date and time in ISO 8601 with its offset, like 2026-12-31T23:00:00Z',
	date: 'a date in ISO 8601, like 2026-12-31'
};

/** A list's length rule (the only sizes the app's schemas bound besides text's and numbers' are lists'). */
function listRule(iss: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
	const small = iss.code === 'too_small';
	const n = small ? iss.minimum : iss.maximum;
	return small && Number(n) === 1 ? 'list at least one item' : `list ${small ? 'at least' : 'at most'} ${plural(n, 'item')}`;
}

/**
 * A value no alternative of a union took: the types it may have, the values it may be, or else what
 * its last (most general) alternative says, about this field.
 */
function unionSentence(field: string, errors: readonly (readonly z.core.$ZodIssue[])[]): string {
	const firsts = errors.map((e) => e[0]).filter((i) => i !== undefined);
	if (firsts.length && firsts.every((i) => i.code === 'invalid_value')) {
		return `${field} must be one of ${quoted(firsts.flatMap((i) => (i.code === 'invalid_value' ? i.values : [])))}.`;
	}
	if (firsts.length && firsts.every((i) => i.code === 'invalid_type' && !i.path.length)) {
		const types = [...new Set(firsts.map((i) => (i.code === 'invalid_type' ? (TYPES[i.expected] ?? (i.expected === 'int' ? 'a whole number' : i.expected === 'number' ? 'a number' : i.expected)) : '')))];
		return `${field} must be ${types.join(' or ')}.`;
	}
	const last = firsts.at(-1);
	return last ? last.message.replace(/^The input/, field) : `${field} is not valid here.`;
}

/**
 * Names callers give a field that a body calls otherwise, by the field Quota has: a grant's
 * `"reason"` is its `note`. Suggested only where the body has that field and the caller did not send it.
 */
const SYNONYMS: Record<string, readonly string[]> = {
	note: ['reason', 'comment', 'description', 'memo', 'notes'],
	tokens: ['amount', 'credits', 'tokens_used', 'cost'],
	units: ['quantity', 'qty', 'count', 'amount'],
	max_tokens: ['tokens', 'amount', 'max'],
	ttl_seconds: ['ttl', 'timeout', 'expires_in'],
	expires_at: ['expires', 'expiry', 'expiration', 'expire_at', 'expiresAt'],
	user: ['user_id', 'userId', 'uid', 'customer'],
	team: ['team_id', 'teamId'],
	feature: ['feature_key', 'featureKey', 'action'],
	model: ['model_key', 'modelKey', 'model_id'],
	event_types: ['events', 'types', 'event'],
	url: ['endpoint', 'webhook_url', 'callback_url']
};

interface ObjectSchema {
	_zod?: { def?: { shape?: Record<string, unknown> } };
}

/** The field of `fields` a caller meant by `sent` (a slip of it, or a name it is also called), when it did not send that one. */
function meantField(sent: string, fields: readonly string[], input: unknown): string | undefined {
	const open = fields.filter((f) => !(input && typeof input === 'object' && Object.hasOwn(input, f)));
	return nearestKey(sent, open) ?? open.find((f) => SYNONYMS[f]?.includes(sent));
}

/**
 * Keys an object does not take, and what to send instead: the field each one means ("did you mean
 * "note"?"), else the fields the object takes. `holder`: the object's field, or null for the body.
 */
function strayKeysSentence(holder: string | null, keys: readonly string[], input: unknown, schema: ObjectSchema | undefined): string {
	const where = holder ? `${holder} does not take` : 'This request does not take';
	const them = `${keys.length === 1 ? 'the field' : 'the fields'} ${quoted(keys)}`;
	const fields = Object.keys(schema?._zod?.def?.shape ?? {});
	const meant = keys.map((k) => meantField(k, fields, input));
	if (meant.every((m) => m !== undefined)) return `${where} ${them}: did you mean ${quoted(meant)}?`;
	const takes = fields.length ? ` ${holder ? `${holder} takes` : 'It takes'} ${quoted(fields)}.` : '';
	return `${where} ${them}: leave ${keys.length === 1 ? 'it' : 'them'} out.${takes}`;
}

/** The sentence for one issue zod raised; `schema` is the schema that raised it, when zod says. */
function issueSentence(iss: Issue): string {
	const field = fieldName(iss.path);
	const schema = (iss as { schema?: unknown }).schema as (NumberSchema & TextSchema) | undefined;
	switch (iss.code) {
		case 'invalid_type':
			if (iss.input === undefined) return `${field} is required.`;
			if (iss.expected === 'number' || iss.expected === 'int') return `${field} must be ${numberRule(schema, iss)}.`;
			if (iss.expected === 'string') return `${field} must be ${textRule(schema, iss)}.`;
			return `${field} must be ${TYPES[iss.expected] ?? `of type ${iss.expected}`}.`;
		case 'too_small':
		case 'too_big':
			if (iss.origin === 'number' || iss.origin === 'int') return `${field} must be ${numberRule(schema, iss)}.`;
			// Empty, or spaces alone that a trimmed field took off: "must be text of 1 to 120 characters" read
			// as met by four spaces.
			if (iss.origin === 'string' && iss.code === 'too_small' && Number(iss.minimum) === 1) return `${field} cannot be blank.`;
			if (iss.origin === 'string') return `${field} must be ${textRule(schema, iss)}.`;
			return `${field} must ${listRule(iss)}.`;
		case 'invalid_format': {
			const format = FORMATS[iss.format];
			return format ? `${field} must be ${format}.` : `${field} holds characters or a form that this field does not take.`;
		}
		case 'unrecognized_keys':
			return strayKeysSentence(iss.path?.length ? field : null, iss.keys, iss.input, (iss as { inst?: ObjectSchema }).inst);
		case 'invalid_value':
			if (iss.input === undefined && iss.path?.length) return `${field} is required: ${iss.values.length === 1 ? quoted(iss.values) : `one of ${quoted(iss.values)}`}.`;
			return iss.values.length === 1 ? `${field} must be ${quoted(iss.values)}.` : `${field} must be one of ${quoted(iss.values)}.`;
		case 'invalid_key': {
			// A key's own rule (a metadata key is an id: fields.ts visibleId) said of it.
			const rule = iss.issues[0]?.message;
			return rule && /^(cannot|must) /.test(rule) ? `${field} is a key that ${rule}` : `${field} has a key that is not allowed.`;
		}
		case 'invalid_union':
			return unionSentence(field, iss.errors);
		default:
			return `${field} is not valid here.`;
	}
}

z.config({ customError: issueSentence });

/** How many edits apart two keys are (case, `-`, `_` and spaces aside; a transposition is one edit). */
function editsApart(sent: string, meant: string): number {
	const [a, b] = [sent, meant].map((k) => k.toLowerCase().replace(/[-_\s]/g, '')) as [string, string];
	// Levenshtein distance, a transposition counted as one edit.
	const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
		}
	}
	return d[a.length]![b.length]!;
}

/** A key's last word in the singular, for comparing: "support_replies" and "support_reply" both give "supportreply". */
function singular(key: string): string {
	return key.toLowerCase().replace(/[-_\s]/g, '').replace(/ies$/, 'y').replace(/(ch|sh|ss|x)es$/, '$1').replace(/s$/, '');
}

/** Two keys one slip apart ("unit" for "units", "max_token", "Feature", "feautre", "ai_bot", "support_replies" for "support_reply"): a caller meant the other. */
function slipOf(sent: string, meant: string): boolean {
	const edits = editsApart(sent, meant);
	if (edits === 0 || singular(sent) === singular(meant)) return true;
	const [a, b] = [sent, meant].map((k) => k.replace(/[-_\s]/g, '').length) as [number, number];
	return Math.min(a, b) >= 3 && edits <= (Math.max(a, b) > 6 ? 2 : 1);
}

/** The known key a caller most likely meant by `sent` (one slip apart, the fewest edits), or undefined. */
export function nearestKey(sent: string, known: Iterable<string>): string | undefined {
	let best: { key: string; edits: number } | undefined;
	for (const key of known) {
		if (key === sent || !slipOf(sent, key)) continue;
		const edits = editsApart(sent, key);
		if (!best || edits < best.edits) best = { key, edits };
	}
	return best?.key;
}

/**
 * A sentence about one field, with the keys its input had that it does not take (zod says those in an
 * issue of their own, after the fields'): a missing `units` beside an unknown `unit` is one slip, and
 * the sentence says so rather than only "units is required." (`source`: where the input was, "body").
 */
function withStrayKeys(e: ZodError, first: z.core.$ZodIssue, sentence: string, source: string): string {
	const stray = e.issues.find((i): i is z.core.$ZodIssueUnrecognizedKeys => i.code === 'unrecognized_keys');
	if (!stray || stray === first) return sentence;
	const holder = stray.path.length ? fieldName(stray.path) : `the ${source}`;
	const name = first.path.at(-1);
	const meant = typeof name === 'string' && sentence.startsWith(`${fieldName(first.path)} is required`) && fieldName(first.path.slice(0, -1)) === fieldName(stray.path);
	const slip = meant ? stray.keys.find((key) => slipOf(key, name) || SYNONYMS[name]?.includes(key)) : undefined;
	const bare = sentence.replace(/\.$/, '');
	if (slip !== undefined) return `${bare} (${holder} has ${JSON.stringify(slip)}: did you mean ${JSON.stringify(name)}?)`;
	return `${bare} (${holder} also has ${stray.keys.length === 1 ? 'the field' : 'the fields'} ${quoted(stray.keys)}, which it does not take).`;
}

/**
 * A rule about which fields a body may send together ("at most one of user, team or guest") is a
 * refine zod runs after the fields, so its issue comes last; but it is the caller's first fix (a
 * `team` that is no UUID is moot once they send `user` alone). A refine marked `params: SAID_FIRST`
 * is said first; every field's own issue stays in `fieldErrors`.
 */
export const SAID_FIRST = { saidFirst: true } as const;

/** The issue a refusal's message says: one marked SAID_FIRST, else zod's first. */
function leadIssue(e: ZodError): z.core.$ZodIssue | undefined {
	return e.issues.find((i) => i.code === 'custom' && i.params?.saidFirst === true) ?? e.issues[0];
}

/**
 * A ZodError's lead issue (`leadIssue`) as one sentence naming its field. A schema's own message that does not
 * name it gets it in front: a rule ("must be base64url") as the sentence's subject, else before a colon. A rule
 * about several fields that quotes them ('Name at most one of "user", "team" or "guest"') names them already: a
 * "user: " in front would blame a field the caller may not have sent (`team` and `guest`).
 * Keys the input had that it does not take are said too, in brackets (`source`: where they were).
 */
export function firstIssue(e: ZodError, source = 'input'): string {
	const first = leadIssue(e);
	if (!first) return 'The input is not valid.';
	const field = fieldName(first.path);
	const message = first.message;
	const named = message.startsWith(field) || message.includes(JSON.stringify(field));
	const sentence = !first.path.length || named ? message : (ruleSentence(first) ?? `${field}: ${message}`);
	return withStrayKeys(e, first, sentence, source);
}

/**
 * A schema's own rule for a field ("cannot hold a NUL character…", "must be an http:// or https://
 * URL…") as the sentence naming the field, with its full stop: in `message` and in `fieldErrors`
 * alike. Null for a message that is not such a rule (a sentence of its own, or one naming the field).
 */
function ruleSentence(issue: { path: readonly PropertyKey[]; message: string }): string | null {
	if (!issue.path.length || !/^(must|cannot|is|are) /.test(issue.message)) return null;
	return `${fieldName(issue.path)} ${issue.message.replace(/\.?$/, '.')}`;
}

/**
 * `firstIssue` for a person reading it in the app (tRPC): the field in words, not as code names it
 * ("Limit message must be text of 1 to 500 characters.", not "limitMessage must be …").
 */
export function firstIssueForPeople(e: ZodError): string {
	const sentence = firstIssue(e);
	const path = leadIssue(e)?.path;
	return path?.length ? inWords(fieldName(path), sentence) : sentence;
}

/** `sentence` with the code name `field` it starts with said in words ("limitMessage must …" → "Limit message must …"). */
function inWords(field: string, sentence: string): string {
	if (!sentence.startsWith(field)) return sentence;
	const words = field
		.replace(/\[\d+\]/g, '')
		.replace(/[._]/g, ' ')
		.replace(/([a-z\d])([A-Z])/g, '$1 $2')
		.toLowerCase()
		// Initialisms stay capitals ("URL", not "Url").
		.replace(/\b(url|id|api|ip)\b/g, (w) => w.toUpperCase());
	return `${words.charAt(0).toUpperCase()}${words.slice(1)}${sentence.slice(field.length)}`;
}

/**
 * `flatIssues` for a person reading each field's message under its field in the app (tRPC): the
 * field in words, as `firstIssueForPeople` says it ("Name must be text of 1 to 120 characters.",
 * not "name must …").
 */
export function flatIssuesForPeople(e: ZodError): ReturnType<typeof flatIssues> {
	const flat = flatIssues(e);
	return { ...flat, fieldErrors: Object.fromEntries(Object.entries(flat.fieldErrors).map(([field, messages]) => [field, messages.map((m) => inWords(field, m))])) };
}

/**
 * The field an issue at `path` is said beside: its keys dotted, up to a list's index ("patch.url" in
 * `{ patch: { url } }`, as a domain's own refusal names a role's limit "roles.admin"; "grants" for
 * grants[0].tokens, the list being the field); null for the input as a whole. zod's flattenError keys
 * by the first key alone, which named a nested field by its parent ("Patch.url must …" under "patch").
 */
function fieldKey(path: readonly PropertyKey[]): string | null {
	const end = path.findIndex((k) => typeof k !== 'string');
	const keys = end < 0 ? path : path.slice(0, end);
	return keys.length ? keys.join('.') : null;
}

/**
 * The issues flattened (`formErrors`, and `fieldErrors` by field: fieldKey) with each message once:
 * one value can break two rules that words give the same sentence (units 1e30 is both too big and not
 * a safe integer: "units must be a whole number from 1 to 1,000,000,000." once, not twice).
 */
export function flatIssues(e: ZodError): { formErrors: string[]; fieldErrors: Record<string, string[]> } {
	const formErrors = new Set<string>();
	const fieldErrors = new Map<string, Set<string>>();
	for (const issue of e.issues) {
		const message = ruleSentence(issue) ?? issue.message;
		const field = fieldKey(issue.path);
		if (field === null) formErrors.add(message);
		else fieldErrors.set(field, (fieldErrors.get(field) ?? new Set()).add(message));
	}
	return { formErrors: [...formErrors], fieldErrors: Object.fromEntries([...fieldErrors].map(([field, messages]) => [field, [...messages]])) };
}
