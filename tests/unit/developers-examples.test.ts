import { describe, expect, it } from 'vitest';
import { curlCommand, examples, fetchModule, routeOf, type Example } from '../../src/routes/developers/examples';
import { doc, matches } from '../helpers/openapi';

// The examples on /developers are what a reader copies and believes: each answer has the shape the
// OpenAPI document gives, the Idempotency-Key is sent exactly where the route requires it, and the
// figures agree with each other and with the spending order the page states (free allowance first).

const byId = (id: string) => examples.find((e) => e.id === id)! as Example & { body?: Record<string, any>; response: { body: any } };
const operation = (e: Example) => doc.paths[routeOf(e, Object.keys(doc.paths))!]![e.method.toLowerCase()]!;

describe('/developers examples', () => {
	it("every answer matches its route's documented schema, and the Idempotency-Key is sent where the route requires one", () => {
		for (const e of examples) {
			const op = operation(e);
			const schema = op.responses[String(e.response.status)]!.content!['application/json']!.schema;
			const check = matches(schema, e.response.body);
			expect(check.ok, `${e.id}: ${check.errors}`).toBe(true);
			if (e.body) expect(matches(op.requestBody!.content['application/json'].schema, e.body).ok, e.id).toBe(true);
			const required = op.parameters?.some((p) => p.name === 'Idempotency-Key' && p.required) ?? false;
			expect(e.idempotent ?? false, e.id).toBe(required);
		}
	});

	it('name a path parameter the reader sets from an earlier answer, in curl and in fetch alike, and no other', () => {
		const end = byId('grants-end');
		expect(end.path).toBe('/api/v1/grants/{lot_id}/end');
		expect(curlCommand(end, 'https://quota.example')).toContain('-X POST "https://quota.example/api/v1/grants/$LOT_ID/end"');
		expect(fetchModule(end, 'https://quota.example')).toContain('fetch(`https://quota.example/api/v1/grants/${process.env.LOT_ID}/end`, {');
		// The lot it ends is the one the grants example just made: the story goes on from its answer.
		expect((end.response.body as { lot_id: string }).lot_id).toBe((byId('grants').response.body as { lot_id: string }).lot_id);
		for (const e of examples) expect(e.path.includes('{'), e.id).toBe(e.given !== undefined);
	});

	it('say every instant as the API does: ISO 8601 in UTC with milliseconds and Z', () => {
		const instants = (v: unknown): string[] =>
			typeof v === 'string' ? (/^\d{4}-\d{2}-\d{2}[T ]\d/.test(v) ? [v] : []) : v && typeof v === 'object' ? Object.values(v).flatMap(instants) : [];
		const all = examples.flatMap((e) => instants([e.body, e.response.body]));
		expect(all.length).toBeGreaterThan(3);
		expect(all.filter((t) => !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(t))).toEqual([]);
	});

	it('tell one story in order: check and consume agree, the hold follows the consume, the usage history lists that consume, all paid by the free allowance first', () => {
		const balance = byId('balance').response.body;
		const [check, consume, hold, usage] = [byId('check'), byId('consume'), byId('holds'), byId('usage')];
		const { metadata: _, ...consumed } = consume.body!;
		expect(check.body).toEqual(consumed);
		const spent = consume.response.body;
		expect(spent.paid_by).toEqual(check.response.body.paid_by);
		expect(spent.remaining).toBe(check.response.body.remaining_after);
		expect(spent.cost).toBe(consume.body!.units * byId('rates').response.body.data.tokens_per_unit);
		expect(spent.remaining).toBe(balance.available - spent.cost);

		const held = hold.response.body;
		expect(held.remaining).toBe(spent.remaining - held.held);
		const allowance = balance.allowances[0];
		expect(spent.cost + held.held).toBeLessThanOrEqual(allowance.limit - allowance.used);
		for (const [e, tokens] of [[consume, spent.cost], [hold, held.held]] as const) {
			expect(e.response.body.paid_by, e.id).toEqual([expect.objectContaining({ type: 'allowance', label: allowance.module, tokens })]);
		}

		// The hold is settled at its real cost: what it held less that goes back, and the balance is the consume's less the cost.
		const [settle, release] = [byId('holds-settle').response.body, byId('holds-release').response.body];
		expect(settle.cost).toBe(byId('holds-settle').body!.tokens);
		expect(settle.cost + settle.released).toBe(held.held);
		expect(settle.remaining).toBe(spent.remaining - settle.cost);
		expect(settle.paid_by).toEqual([expect.objectContaining({ type: 'allowance', label: allowance.module, tokens: settle.cost })]);
		expect(release).toEqual({ cost: 0, released: held.held, paid_by: [], remaining: spent.remaining });

		const [item] = usage.response.body.data;
		expect(item).toMatchObject({ id: spent.operation_id, feature: consume.body!.feature, model: consume.body!.model, tokens_used: spent.cost, remaining: spent.remaining });
		// The use, then the hold, both before the allowance resets.
		expect(Date.parse(item.date)).toBeLessThan(Date.parse(held.expires_at) - hold.body!.ttl_seconds * 1000);
		expect(Date.parse(held.expires_at)).toBeLessThan(Date.parse(allowance.resets_at));
	});
});
