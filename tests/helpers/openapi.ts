import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../src/lib/server/rest/openapi';
import { unstorablePath } from '../../src/lib/server/storable';

// Requests generated from the served OpenAPI document, and its answers checked against it. No
// maintained JSON-Schema-to-arbitrary library runs with fast-check 4 and zod 4 (json-schema-fast-check
// needs fast-check 1, zod-fast-check fast-check < 4 and zod 3), so this is a small generator for the
// keywords the document uses: type, enum, const, anyOf, properties/required/additionalProperties,
// items, minLength/maxLength, minimum/maximum, pattern and the uuid/date-time formats.

export type Schema = Record<string, any>;
export const doc = openApiDocument('http://localhost:3000') as unknown as {
	paths: Record<string, Record<string, Operation>>;
	components: { schemas: Record<string, Schema> };
};
export interface Parameter {
	name: string;
	in: 'query' | 'path' | 'header';
	required?: boolean;
	schema: Schema;
}
export interface Operation {
	parameters?: Parameter[];
	requestBody?: { required: boolean; content: { 'application/json': { schema: Schema } } };
	responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
	/** Set where a route takes another scheme than the document's API key (the widget's embed token). */
	security?: Record<string, string[]>[];
}

export const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));

const ajv = new Ajv2020({ strict: false, allErrors: false });
addFormats.default(ajv);
ajv.addSchema({ $id: 'doc', components: doc.components });
const compiled = new WeakMap<Schema, ReturnType<typeof ajv.compile>>();
/** Whether `value` matches `schema` (refs resolve into the document's components). */
export function matches(schema: Schema, value: unknown): { ok: boolean; errors: string } {
	let validate = compiled.get(schema);
	if (!validate) {
		validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));
		compiled.set(schema, validate);
	}
	const ok = validate(value) as boolean;
	return { ok, errors: ok ? '' : ajv.errorsText(validate.errors) };
}

/** Text the database cannot store: NUL and unpaired surrogates, alone and inside other text. */
export const unstorable = fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\ud83d', 'ok\u0000');
export const hasUnstorable = (v: unknown) => unstorablePath(v) !== null;

const types = (s: Schema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);
const edges = (s: Schema) => [s.minimum, s.maximum].filter((x) => typeof x === 'number');

/** Values the schema accepts, its example often, limit edges included (at most 40 characters except at a limit). */
export function valid(s: Schema): fc.Arbitrary<unknown> {
	if (s.example !== undefined) {
		const { example, ...rest } = s;
		return fc.oneof({ weight: 2, arbitrary: fc.constant(example) }, { weight: 1, arbitrary: valid(rest) });
	}
	if (s.const !== undefined) return fc.constant(s.const);
	if (s.enum) return fc.constantFrom(...s.enum);
	if (s.anyOf) return fc.oneof(...s.anyOf.map(valid));
	const t = types(s);
	if (t.length > 1) return fc.oneof(...t.map((type) => valid({ ...s, type })));
	switch (t[0]) {
		case 'null':
			return fc.constant(null);
		case 'boolean':
			return fc.boolean();
		case 'integer':
			return fc.oneof(fc.integer({ min: s.minimum ?? -1e6, max: Math.min(s.maximum ?? 1e6, 1e6) }), fc.constantFrom(...edges(s), s.minimum ?? 0));
		case 'number':
			return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
		case 'string': {
			if (s.format === 'uuid') return fc.uuid();
			// A datetime the server takes is in the future (`expires_at`); the description says so.
			if (s.format === 'date-time') return fc.date({ min: new Date(Date.now() + 3_600_000), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
			const min = s.minLength ?? 0;
			// A pattern sets its own lengths (e.g. 64 hex digits): without a maxLength, do not cut it at 40,
			// or the filter below could never pass and fast-check would search forever.
			const max = s.maxLength ?? (s.pattern ? Number.MAX_SAFE_INTEGER : 40);
			const pattern = s.pattern ? new RegExp(s.pattern, 'u') : null;
			const fill = (n: number) => (pattern && !pattern.test('x') ? 'a' : 'x').repeat(n);
			const text = pattern ? fc.stringMatching(pattern) : fc.string({ minLength: min, maxLength: Math.min(max, 40) });
			const edgesThatFit = [fill(Math.max(min, 1)), fill(Math.min(max, 256))].filter((v) => v.length >= min && v.length <= max && (!pattern || pattern.test(v)));
			const fitting = text.filter((v) => v.length >= min && v.length <= max);
			return edgesThatFit.length ? fc.oneof(fitting, fc.constantFrom(...edgesThatFit)) : fitting;
		}
		case 'array':
			return fc.array(valid(s.items ?? {}), { maxLength: Math.min(s.maxItems ?? 3, 3) });
		case 'object': {
			// A map's keys: short printable strings, those the document's propertyNames pattern takes (metadata: not blank).
			const keyPattern = s.propertyNames?.pattern ? new RegExp(s.propertyNames.pattern) : null;
			if (!s.properties) return fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => !keyPattern || keyPattern.test(k)), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
			return record(s, valid);
		}
	}
	return fc.jsonValue({ maxDepth: 2 });
}

/** Values just outside the schema or of the wrong kind (one past each limit, text its pattern refuses, another type, unstorable text). */
export function invalid(s: Schema): fc.Arbitrary<unknown> {
	const out: fc.Arbitrary<unknown>[] = [fc.constantFrom<unknown>({ x: 1 }, [1], true), unstorable];
	const t = s.anyOf ? s.anyOf.flatMap(types) : types(s);
	if (t.includes('integer') || t.includes('number')) {
		out.push(fc.constantFrom(...[s.minimum - 1, s.maximum + 1].filter(Number.isFinite), 1.5, '7'));
	}
	if (t.includes('string')) {
		const limits = s.anyOf ?? [s];
		for (const l of limits) {
			if (l.maxLength !== undefined) out.push(fc.constant('x'.repeat(l.maxLength + 1)));
			if (l.minLength) out.push(fc.constant(''));
			// A length the schema takes that its pattern does not (an id of spaces against \S).
			const pattern = l.pattern ? new RegExp(l.pattern, 'u') : null;
			const breaking = pattern && [' ', '   ', '!', 'x y', '\n'].filter((v) => !pattern.test(v) && v.length >= (l.minLength ?? 0) && v.length <= (l.maxLength ?? Infinity));
			if (breaking && breaking.length) out.push(fc.constantFrom(...breaking));
		}
		out.push(fc.constant(7));
	}
	return fc.oneof(...out);
}

/** An object for `s` with some properties replaced by invalid values, an unknown one, or a required one left out. */
export function mutated(s: Schema): fc.Arbitrary<unknown> {
	const names = Object.keys(s.properties ?? {});
	if (!names.length) return fc.oneof(invalid(s), fc.constant({ unexpected_field: 1 }));
	return fc.tuple(valid(s) as fc.Arbitrary<Record<string, unknown>>, fc.constantFrom(...names), fc.nat(3)).chain(([base, name, how]) => {
		if (how === 0) return fc.constant({ ...base, unexpected_field: 1 });
		if (how === 1 && s.required?.length) {
			const copy = { ...base };
			delete copy[s.required[0]];
			return fc.constant(copy);
		}
		return invalid(s.properties[name]).map((v) => ({ ...base, [name]: v }));
	});
}

/**
 * An object of `s`'s properties from `value`: required ones always, each optional one in a
 * quarter of the values (so a rule like "at most one of these" is met half the time, not an eighth).
 */
export function record(s: Schema, value: (p: Schema) => fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
	const required = new Set<string>(s.required ?? []);
	const fields = Object.entries((s.properties ?? {}) as Record<string, Schema>).map(([k, p]) => {
		const v = value(p);
		return [k, required.has(k) ? v : fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: v })] as const;
	});
	return fc.record(Object.fromEntries(fields)).map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
}
