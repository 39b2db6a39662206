import { openApiDocument, refusalMeanings } from '$lib/server/rest/openapi';
import { examples, routeOf } from './examples';
import type { PageServerLoad } from './$types';
import type { KeyScope } from '$lib/key-scopes';

interface DocumentedOperation {
	security?: { apiKey?: string[] }[];
	parameters?: { name: string; required?: boolean }[];
	responses: Record<string, { content?: Record<string, { schema: { allOf?: { properties?: { error?: { enum?: string[] } } }[] } }> }>;
}

/**
 * What the page says of each endpoint's contract, read from the OpenAPI document so the two cannot
 * disagree: the key scope it needs (null: any key), whether it takes an Idempotency-Key (required,
 * optional or not at all) and the refusal codes it can answer, by status; and the table of every code's meaning.
 */
export const load: PageServerLoad = ({ url }) => {
	const paths = openApiDocument(url.origin).paths as unknown as Record<string, Record<string, DocumentedOperation>>;
	const contracts = Object.fromEntries(
		examples.map((e) => {
			const op = paths[routeOf(e, Object.keys(paths))!]![e.method.toLowerCase()]!;
			const header = op.parameters?.find((p) => p.name === 'Idempotency-Key');
			const refusals = Object.entries(op.responses)
				.map(([status, r]) => ({ status: Number(status), codes: r.content?.['application/json']?.schema.allOf?.[1]?.properties?.error?.enum ?? [] }))
				// 5xx too: every route answers 503 `unavailable` when the database does not answer in time, which a caller retries.
				.filter((r) => r.status >= 400 && r.codes.length);
			const scope = (op.security?.[0]?.apiKey?.[0] ?? null) as KeyScope | null;
			return [e.id, { scope, idempotency: header ? (header.required ? 'required' : 'optional') : null, refusals }] as const;
		})
	);
	const required = Object.entries(paths)
		.filter(([, ops]) => Object.values(ops).some((op) => op.parameters?.some((p) => p.name === 'Idempotency-Key' && p.required)))
		.map(([path]) => path);
	const optional = Object.entries(paths)
		.filter(([, ops]) => Object.values(ops).some((op) => op.parameters?.some((p) => p.name === 'Idempotency-Key' && !p.required)))
		.map(([path]) => path);
	return { contracts, idempotency: { required, optional }, refusals: refusalMeanings() };
};
