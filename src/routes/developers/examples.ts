/** The endpoints of REST v1 as the docs page shows them: what each does, a request and its answer. */
export interface Example {
	id: string;
	method: 'GET' | 'POST';
	path: string;
	title: string;
	about: string;
	idempotent?: boolean;
	/**
	 * The path's parameter the reader sets from an earlier answer (`/api/v1/grants/{lot_id}/end`): the
	 * shell variable (`$LOT_ID`) in curl, the environment's (`process.env.LOT_ID`) in fetch, and where it comes from.
	 */
	given?: { param: string; from: string };
	body?: Record<string, unknown>;
	response: { status: number; body: unknown };
}

/**
 * The grant example's expiry: the end of next year, always ahead. The page's curl and fetch examples
 * run as copied, and the API refuses an expiry in the past, so a fixed date would stop them working.
 */
const NEXT_NEW_YEARS_EVE = `${new Date().getUTCFullYear() + 1}-12-31T23:59:59.000Z`;

/**
 * The one story every example tells, in order: wp-42 has 59,880 tokens to spend on ai_bots with
 * gpt-5-nano (120 of a 10,000-token daily chat allowance used), checks and then consumes 100 words
 * (250 tokens, paid by the allowance), holds 2,000 for a streaming reply a minute later, and the
 * usage history lists the consume. Every figure below is derived from these.
 */
const story = {
	available: 59880,
	allowance: { id: '5d2a9c1e-3f4b-4a6d-9e2f-7b8c1d0e4a21', module: 'chat', used: 120, limit: 10000, resetsAt: '2026-11-24T00:00:00.000Z' },
	consume: { operationId: '6f1c2b7a-8d3e-4c5f-a1b2-c3d4e5f60718', units: 100, tokensPerUnit: 2.5, at: '2026-11-23T10:00:00.000Z' },
	hold: { holdId: '3b7d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f', maxTokens: 2000, ttlSeconds: 120, at: '2026-11-23T10:01:00.000Z', settled: 740 }
} as const;
const cost = story.consume.units * story.consume.tokensPerUnit;
const afterConsume = story.available - cost;
const paidByAllowance = (tokens: number) => [{ type: 'allowance', id: story.allowance.id, label: story.allowance.module, model: null, tokens, unlimited: false }];
const plus = (at: string, seconds: number) => new Date(Date.parse(at) + seconds * 1000).toISOString();

export const examples: Example[] = [
	{
		id: 'balance',
		method: 'GET',
		path: '/api/v1/balance?user=wp-42',
		title: 'Read a balance',
		about: 'Tokens per model ("general" is usable by every model), free allowances with their next reset and the words to show when one stops the user, what is available now (lots plus what is left of the free allowances; holds excluded), what is held, and whether use is unlimited (every model, or the models listed). Site keys name the account with user, team or guest; account keys leave them out.',
		response: {
			status: 200,
			body: {
				success: true,
				data: { 'gpt-5-nano': { credit: 50000, isUnlimited: false, entity_key: 'gpt-5-nano', engine: 'openai', expires_at: null, expiring_tokens: null } },
				allowances: [
					{ module: story.allowance.module, used: story.allowance.used, limit: story.allowance.limit, period: 'daily', resets_at: story.allowance.resetsAt, message: 'You have used your free chat tokens for today. Buy tokens to keep chatting.' }
				],
				unlimited: false,
				unlimited_models: [],
				available: story.available,
				held: 0
			}
		}
	},
	{
		id: 'rates',
		method: 'GET',
		path: '/api/v1/feature-rates/ai_bots',
		title: 'Look up a feature rate',
		about: 'What a feature costs per unit (word, character, model token or operation). GET /api/v1/feature-rates lists them all.',
		response: { status: 200, body: { success: true, data: { feature_key: 'ai_bots', feature_name: 'Chatbot reply', tokens_per_unit: story.consume.tokensPerUnit, token_type: 'word', module: story.allowance.module, breakdown: null, enabled: true } } }
	},
	{
		id: 'check',
		method: 'POST',
		path: '/api/v1/check',
		title: 'Show the cost before running',
		about: 'Prices the operation on the server, says who would pay (free allowance first, as consume spends) and the green/yellow/red level. Changes nothing: call it to show the cost in your UI.',
		body: { user: 'wp-42', feature: 'ai_bots', units: story.consume.units, model: 'gpt-5-nano' },
		response: { status: 200, body: { allowed: true, cost, level: 'ok', paid_by: paidByAllowance(cost), remaining_after: afterConsume, spendable: afterConsume + cost, details: null, active: true, reason: null, message: null } }
	},
	{
		id: 'consume',
		method: 'POST',
		path: '/api/v1/consume',
		title: 'Consume tokens',
		about: "Spends atomically: free allowance first, then lots (model-specific first, soonest expiry first). Send a fresh Idempotency-Key per use and reuse it on retries: the same key and body give back the first answer and spend once. 402's message is for the end user (the module's limit message once nothing is left to pay with, of its free allowance or of the tokens, else what the request costs and what is left); 403 feature_disabled means hide the feature.",
		idempotent: true,
		body: { user: 'wp-42', feature: 'ai_bots', units: story.consume.units, model: 'gpt-5-nano', metadata: { conversation: 'c_81' } },
		response: { status: 200, body: { operation_id: story.consume.operationId, cost, paid_by: paidByAllowance(cost), remaining: afterConsume, level: 'ok' } }
	},
	{
		id: 'holds',
		method: 'POST',
		path: '/api/v1/holds',
		title: 'Hold tokens while a reply streams',
		about: 'Reserves up to max_tokens for ttl_seconds; other uses cannot spend them meanwhile. Then POST /api/v1/holds/{hold_id}/settle with {"tokens": <real cost>} (the rest is released) or /release. A hold closes once: a second settle or release answers 409 hold_already_settled, so their Idempotency-Key is optional (with one, a retry gets the first answer back); an expired hold answers 409 hold_expired.',
		idempotent: true,
		body: { user: 'wp-42', feature: 'ai_bots', max_tokens: story.hold.maxTokens, ttl_seconds: story.hold.ttlSeconds },
		response: {
			status: 201,
			body: {
				hold_id: story.hold.holdId,
				held: story.hold.maxTokens,
				expires_at: plus(story.hold.at, story.hold.ttlSeconds),
				paid_by: paidByAllowance(story.hold.maxTokens),
				remaining: afterConsume - story.hold.maxTokens,
				level: 'ok'
			}
		}
	},
	{
		id: 'holds-settle',
		method: 'POST',
		path: '/api/v1/holds/{hold_id}/settle',
		title: 'Settle a hold when the reply is done',
		about: 'Charges the real cost, at most what is held, and gives the rest back to what paid for the hold (the last source to pay first). 409 hold_already_settled once settled or released, 409 hold_expired after its ttl_seconds (the sweep gave it all back); 422 invalid_input for tokens above the hold.',
		given: { param: 'hold_id', from: 'the hold_id a hold answered' },
		body: { tokens: story.hold.settled },
		response: {
			status: 200,
			body: { cost: story.hold.settled, released: story.hold.maxTokens - story.hold.settled, paid_by: paidByAllowance(story.hold.settled), remaining: afterConsume - story.hold.settled }
		}
	},
	{
		id: 'holds-release',
		method: 'POST',
		path: '/api/v1/holds/{hold_id}/release',
		title: 'Release a hold instead (the reply failed)',
		about: 'Gives everything held back, with no body and nothing charged: the answer says cost 0 and what went back. The same 409s as a settle.',
		given: { param: 'hold_id', from: 'the hold_id a hold answered' },
		response: { status: 200, body: { cost: 0, released: story.hold.maxTokens, paid_by: [], remaining: afterConsume } }
	},
	{
		id: 'grants',
		method: 'POST',
		path: '/api/v1/grants',
		title: 'Grant bonus tokens (site keys)',
		about: 'Gifts, referrals and event tokens, optionally for one model and with an expiry; "unlimited": true instead of tokens grants unlimited use (the lot holds none). Once per Idempotency-Key.',
		idempotent: true,
		body: { user: 'wp-42', tokens: 1000, source: 'referral', expires_at: NEXT_NEW_YEARS_EVE, note: 'Invited a friend' },
		response: { status: 201, body: { lot_id: '5a2e6b7c-8d9e-4f0a-b1c2-d3e4f5a6b7c8', operation_id: '77b0c1d2-e3f4-4a5b-8c6d-7e8f9a0b1c2d', tokens: 1000 } }
	},
	{
		id: 'grants-end',
		method: 'POST',
		path: '/api/v1/grants/{lot_id}/end',
		title: 'End a grant now (site keys)',
		about: 'Ends a grant now, with no body: the tokens left in it expire ("tokens" says how many; the statement says "Ended"), or unlimited use stops and spends after it pay from the tokens ("Unlimited ended"); lot.expired is sent. 409 conflict for tokens paid for (a refund takes those back), a lot a running job holds tokens of, or one that has ended. With an Idempotency-Key, a retry gets the first answer back.',
		given: { param: 'lot_id', from: 'the lot_id a grant answered' },
		response: { status: 200, body: { lot_id: '5a2e6b7c-8d9e-4f0a-b1c2-d3e4f5a6b7c8', operation_id: '1e2d3c4b-5a6f-4e7d-9c8b-0a1f2e3d4c5b', ended_at: '2026-11-23T10:05:00.000Z', tokens: 1000 } }
	},
	{
		id: 'usage',
		method: 'GET',
		path: '/api/v1/usage?user=wp-42&limit=50',
		title: 'Read the usage history',
		about: 'Newest first, 50 per page; pass next_cursor as cursor for the next page. "remaining" is what was left to spend on that feature and model after the use (not the account balance). "user_id" names who spent it on a team pool (the member you named); null here: what a site key spends for a user is that account\'s own use.',
		response: {
			status: 200,
			body: { data: [{ id: story.consume.operationId, generator: 'gpt-5-nano', feature: 'ai_bots', model: 'gpt-5-nano', tokens_used: cost, date: story.consume.at, remaining: afterConsume, user_id: null }], next_cursor: null }
		}
	}
];

/** The variable a reader sets to a path's parameter: `lot_id` is `LOT_ID`. */
export const givenVariable = (g: NonNullable<Example['given']>) => g.param.toUpperCase();

/** The one line a reader runs first; every example below reads the key from it. */
export const exportKeyLine = 'export QUOTA_API_KEY=qk_your_key_here';

/**
 * A curl command that runs as pasted in bash or zsh after `exportKeyLine`: the key inside double
 * quotes (so the shell expands it), a fresh idempotency key from openssl (uuidgen is not on every
 * machine), the JSON body in single quotes.
 */
export function curlCommand(e: Example, origin: string): string {
	const path = e.given ? e.path.replace(`{${e.given.param}}`, `$${givenVariable(e.given)}`) : e.path;
	const lines = [`curl -sS -X ${e.method} "${origin}${path}"`, `  -H "Authorization: Bearer $QUOTA_API_KEY"`];
	if (e.idempotent) lines.push(`  -H "Idempotency-Key: $(openssl rand -hex 16)"`);
	if (e.body) lines.push(`  -H 'Content-Type: application/json'`, `  -d '${JSON.stringify(e.body).replaceAll("'", "'\\''")}'`);
	return lines.join(' \\\n');
}

/** The same request with fetch, as an ES module for Node 20+ (or any runtime with fetch), key from the environment. */
export function fetchModule(e: Example, origin: string): string {
	const headers = [`    Authorization: \`Bearer \${process.env.QUOTA_API_KEY}\``];
	if (e.idempotent) headers.push(`    'Idempotency-Key': crypto.randomUUID()`);
	if (e.body) headers.push(`    'Content-Type': 'application/json'`);
	const url = e.given ? `\`${origin}${e.path.replace(`{${e.given.param}}`, `\${process.env.${givenVariable(e.given)}}`)}\`` : `'${origin}${e.path}'`;
	return [
		`const res = await fetch(${url}, {`,
		`  method: '${e.method}',`,
		`  headers: {\n${headers.join(',\n')}\n  }${e.body ? ',' : ''}`,
		...(e.body ? [`  body: JSON.stringify(${JSON.stringify(e.body)})`] : []),
		`});`,
		`const data = await res.json();`
	].join('\n');
}

/** The documented route an example's path is one of (`/api/v1/feature-rates/ai_bots` is `…/{featureKey}`). */
export function routeOf(e: Example, routes: string[]): string | undefined {
	const path = e.path.split('?')[0]!;
	return routes.find((r) => new RegExp(`^${r.replace(/\{\w+\}/g, '[^/]+')}$`).test(path));
}
