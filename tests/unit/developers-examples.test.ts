import { describe, expect, it } from 'vitest';
import { examples, routeOf, type Example } from '../../src/routes/developers/examples';
import { doc, matches } from '../helpers/openapi';

// The examples on /developers are what a reader copies and believes: each answer has the shape the
// OpenAPI document gives, the Idempotency-Key is sent exactly where the route requires it, and the
// figures agree with each other and with the spending order the page states (free allowance first).

const byId = (id: string) => examples.find((e) => e.id === id)! as Example & { response: { body: any } };
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

	it('check and consume of the same request agree, and both are paid by the free allowance first while it has room', () => {
		const balance = byId('balance').response.body;
		const [check, consume, hold] = [byId('check'), byId('consume'), byId('holds')];
		const { metadata: _, ...consumed } = consume.body!;
		expect(check.body).toEqual(consumed);
		expect(consume.response.body.paid_by).toEqual(check.response.body.paid_by);
		expect(consume.response.body.remaining).toBe(check.response.body.remaining_after);
		const allowance = balance.allowances[0];
		for (const [e, cost] of [
			[consume, consume.response.body.cost],
			[hold, hold.response.body.held]
		] as const) {
			expect(cost).toBeLessThanOrEqual(allowance.limit - allowance.used);
			expect(e.response.body.paid_by, e.id).toEqual([expect.objectContaining({ type: 'allowance', label: allowance.module, tokens: cost })]);
			expect(e.response.body.remaining, e.id).toBe(balance.available - cost);
		}
	});
});
