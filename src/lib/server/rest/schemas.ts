import { z } from 'zod';
import { MAX_IDEMPOTENCY_KEY } from '../ledger';
import { externalUserIdSchema, guestIdSchema } from '../accounts';
import { atMostCharacters, cursor, idempotencyKey, keyLookup, MAX_PAGE, readableText, readableValues, tokens, units as unitsField, visibleId } from '../fields';
import { SAID_FIRST } from '../input-words';
import { KEY_SCOPES, SCOPE_WORDS } from '../../key-scopes';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';

// The public REST v1 contract. These schemas validate requests and generate openapi.json; every
// limit comes from the one place the domain takes it from (../fields.ts, accounts/validation.ts).

export { MAX_IDEMPOTENCY_KEY };

/** How the target fields read for a signed-in browser session (the app's own pages; accounts sessionAccount). */
const SIGNED_IN = 'Signed in (a browser session, no key):';

export const targetFields = {
	user: z
		.union([z.uuid(), externalUserIdSchema])
		.optional()
		.meta({
			description:
				'Site keys: the host site\'s own user id or a Quota user id (a webhook\'s `user_id` is one of these; a new id gets its user with the first consume, hold, grant, embed token or event stream that succeeds, while a read of it answers what a new user would have and makes nobody; unless the site turned "Create users for unknown ids" off: then 404 `unknown_user`). An account id (a webhook\'s `account_id`), or a member\'s e-mail, is refused with 422 `invalid_input` naming the id to send. An id of only spaces, or holding an invisible character (a control, a bidi control such as U+202E, a zero-width space, a soft hyphen, …), is refused with 400 `invalid_input`: it would show as nothing or as another id. ' +
				`${SIGNED_IN} only your own Quota user id, for your personal tokens (leave it out for the pool you draw from now); another user's id is 403 \`forbidden\` (to act for other users, use a site key).`,
			example: 'wp-user-42'
		}),
	team: z
		.uuid()
		.optional()
		.meta({
			description:
				"Site keys: a team id (its shared pool; a webhook's `team_id`). A team pool's account id is refused with 422 `invalid_input` naming the team id. " +
				`${SIGNED_IN} a team you belong to, for its pool (leave it out for the pool you draw from now); a team you are not in is 403 \`forbidden\`, as in the app.`
		}),
	guest: guestIdSchema
		.optional()
		.meta({ description: `Site keys: an anonymous visitor id (a webhook's \`guest_id\`). ${SIGNED_IN} refused with 422 \`invalid_input\`, as you are not a guest.`, example: 'visitor-7f3a' })
};

const TARGETS = ['user', 'team', 'guest'] as const;
/** What each scope lets a key do, as the key form says it; each operation of the OpenAPI document names the one it needs. */
export const SCOPES_DOC =
	KEY_SCOPES.map((k) => `\`${k}\`: ${SCOPE_WORDS[k]}`).join('; ') +
	'. No scope includes another (a key with only `consume` cannot read a balance, nor grant); `grant` and `webhooks` are for site keys only.';
export const ONE_TARGET = 'Name at most one of "user", "team" or "guest" (a site key must name exactly one; an account key names none).';
const targetPairs = TARGETS.flatMap((a, i) => TARGETS.slice(i + 1).map((b) => [a, b]));

/**
 * `member`, with `team`: a member of that team (the host site's user id or a Quota user id), `what` they do
 * with its pool. The route checks the membership (accounts poolMember: 422 `invalid_input` naming `member`).
 */
export const memberField = (what: string, more: string) =>
	targetFields.user.meta({ description: `With \`team\`: ${what} (your site's user id or a Quota user id; a member of that team, else 422 \`invalid_input\` naming \`member\`). ${more}`, example: 'wp-user-42' });

/**
 * At most one of user, team or guest: enforced here and said in the schema (`not` any pair). Checked
 * even when a named one is itself refused (a `team` of the wrong type), and said first (SAID_FIRST):
 * sending one is the caller's first fix. A schema with `member` (memberField) takes it only with `team`;
 * `doing` says what the member does with the pool.
 */
function oneTarget<T extends z.ZodObject>(schema: T, doing = '') {
	const not = { anyOf: targetPairs.filter(([a, b]) => a! in schema.shape && b! in schema.shape).map((pair) => ({ required: pair })) };
	const one = schema.refine((v: Record<string, unknown>) => TARGETS.filter((t) => v[t] !== undefined).length <= 1, { message: ONE_TARGET, path: ['user'], params: SAID_FIRST, when: (p) => typeof p.value === 'object' && p.value !== null });
	if (!('member' in schema.shape)) return one.meta({ description: ONE_TARGET, not });
	return one
		.refine((v: Record<string, unknown>) => v.member === undefined || v.team !== undefined, { message: `member goes with team: the member ${doing} its pool. Leave it out for a user or a guest.`, path: ['member'] })
		.meta({ description: `${ONE_TARGET} \`member\` goes with \`team\`.`, not, dependentRequired: { member: ['team'] } });
}

const spendingMember = memberField(
	'the member spending from the pool',
	"The use is theirs as it is in the app's own pages: their cap on the pool applies (402 `cap_reached` when it is reached), and the team page counts it as theirs. Without it, the use is the team's and no member's cap applies. A signed-in caller spends as themselves and leaves it out."
);

export const targetQuery = oneTarget(z.strictObject(targetFields));
/**
 * The event stream's query for a signed-in page (the dashboard's): `account`, the account it shows (its own or a
 * team's; absent: the active one), or `user` or `team` as every route takes them from a session (accounts sessionAccount).
 */
export const sessionStreamQuery = z.strictObject({ ...targetFields, account: z.string().optional() });

const feature = keyLookup.meta({ description: 'Feature key, e.g. ai_bots.', example: 'ai_bots' });
const model = keyLookup.nullish().meta({ description: 'Model key for per-model allocations.', example: 'gpt-5-nano' });
const units = unitsField.meta({ description: 'Words, characters, model tokens or operations (whole number).', example: 100 });
const MAX_METADATA = 4096;
const METADATA_LIMIT = counted(MAX_METADATA, 'character', plainFormatter.tokens);
const metadata = readableValues(
	// A key is an id (fields.ts visibleId, which documents `pattern: \S`).
	z.record(visibleId(z.string()).meta({ description: 'Not blank, no invisible character.' }), z.unknown())
)
	.optional()
	.refine((m) => !m || JSON.stringify(m).length <= MAX_METADATA, { message: `metadata is limited to ${METADATA_LIMIT} of JSON.` })
	.meta({
		description: `Kept with the operation, shown in the usage history (at most ${METADATA_LIMIT} as JSON). No text in it, at any depth, may hold a bidi embedding, override or isolate (U+202A–U+202E, U+2066–U+2069): it would make the value read as other text.`
	});

export const checkBody = oneTarget(z.strictObject({ ...targetFields, member: spendingMember, feature, units, model }), 'spending from');
export const consumeBody = oneTarget(z.strictObject({ ...targetFields, member: spendingMember, feature, units, model, metadata }), 'spending from');
export const holdBody = oneTarget(
	z.strictObject({
		...targetFields,
		member: spendingMember,
		feature,
		model,
		max_tokens: tokens(1).meta({ description: 'Most tokens the operation may cost.', example: 500 }),
		ttl_seconds: z.number().int().min(1).max(86_400).default(300).meta({ description: 'Released automatically after this.' }),
		metadata
	}),
	'spending from'
);
export const settleBody = z.strictObject({ tokens: tokens(0).meta({ description: 'The real cost, at most what is held.', example: 20 }) });
export const emptyBody = z.strictObject({});
/** `tokens` or `unlimited: true`, never both: in JSON Schema, one of the two shapes. */
const TOKENS_OR_UNLIMITED = {
	oneOf: [
		{ required: ['tokens'], not: { required: ['unlimited'], properties: { unlimited: { const: true } } } },
		{ required: ['unlimited'], properties: { unlimited: { const: true } }, not: { required: ['tokens'] } }
	]
};
export const grantBody = oneTarget(
	z
		.strictObject({
			user: targetFields.user,
			team: targetFields.team,
			tokens: tokens(1).optional().meta({ description: 'Whole tokens to grant. Required, unless `unlimited` is true: then leave it out.', example: 1000 }),
			unlimited: z
				.boolean()
				.optional()
				.meta({
					description:
						"Unlimited use instead of tokens (a tester, a staff member): spends from it are recorded as uses but take no tokens, for `model` only when one is given, until `expires_at` (absent: until ended with POST /api/v1/grants/{lot_id}/end). The answer's `tokens` is 0."
				}),
			source: z.enum(['bonus', 'referral', 'event', 'admin']),
			model,
			// A value that is no date is told so alone, not also "must be in the future" (abort).
			expires_at: z.iso
				.datetime({ offset: true, abort: true })
				.refine((at) => Date.parse(at) > Date.now(), { message: 'expires_at must be in the future.' })
				.nullish()
				.meta({ description: 'When the granted tokens expire; must be in the future. Null or absent: never.' }),
			note: readableText(atMostCharacters(z.string(), 500)).nullish()
		})
		.superRefine((g, ctx) => {
			if (g.unlimited === true && g.tokens !== undefined) {
				ctx.addIssue({ code: 'custom', path: ['tokens'], message: 'tokens goes without "unlimited": true: an unlimited grant takes no tokens. Send one or the other.' });
			} else if (g.unlimited !== true && g.tokens === undefined) {
				ctx.addIssue({ code: 'custom', path: ['tokens'], message: 'tokens is required (or "unlimited": true for unlimited use).' });
			}
		})
		.meta(TOKENS_OR_UNLIMITED)
);
/** `POST /api/v1/grants/{lot_id}/end`: the lot a grant answered. */
export const grantParams = z.object({ lot_id: z.uuid().meta({ description: 'The `lot_id` POST /api/v1/grants answered (or a `grant.created` webhook said).' }) });
export const usageQuery = oneTarget(
	z.strictObject({
		...targetFields,
		limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
		cursor: cursor.optional()
	})
);

export const featureParams = z.object({ featureKey: keyLookup.meta({ description: 'Feature key, e.g. ai_bots.' }) });
export const holdParams = z.object({ hold_id: z.uuid().meta({ description: 'The hold id POST /api/v1/holds answered.' }) });

/** The stream's Last-Event-ID header: an event id it sent (a digest), so anything longer is not one. */
export const lastEventIdHeader = z.object({
	'Last-Event-ID': z
		.string()
		.max(200)
		.optional()
		.meta({ description: 'The id of the last `balance` event received: on a reconnect, the first event is left out when the figures have not changed since.' })
});

/** The Idempotency-Key header, named as the field it is in refusals. */
export const idempotencyHeader = z.object({ 'Idempotency-Key': idempotencyKey });

const paidBy = z
	.object({
		type: z.enum(['allowance', 'lot']),
		id: z.uuid().meta({ description: 'type allowance: the id of the allowance rule that pays; type lot: the id of the lot. The same id in /check and /consume.' }),
		label: z.string().meta({ description: "The module (allowance) or the lot's source (purchase, subscription, bonus, …)." }),
		model: z.string().nullable().meta({ description: "The lot's model scope; null = any model (and always for allowances)." }),
		tokens: z.number().int().meta({ description: 'Tokens this source pays (or would pay), in the order they are spent.' }),
		unlimited: z.boolean()
	})
	.meta({ description: 'One source that pays for the request.' });
/**
 * The light for one request, one description in /check, /consume and /holds: the ledger's level of that
 * request (drizzle/functions/spend_result.sql quota_level), the rule of the dashboard's level.
 */
const level = z.enum(['ok', 'low', 'empty']).meta({
	description:
		"The light for this request, not for the balance, the same in /check, /consume and /holds: `empty` (red) when it leaves nothing, or, for /check, when it would be refused (`allowed` false, whatever `remaining_after` says is left: a smaller request may still fit; a refused consume or hold is a 402 instead); `low` (yellow) when what it leaves, with the tokens running jobs hold (a hold's own among them), is less than the site's low share of the allocation (what the usable lots with tokens left, or emptied by a running job's hold, were granted, plus the free allowance's limit: the dashboard's share); else `ok` (green). On a refused check nothing is spent and `remaining_after` is what is spendable now."
});

const remaining = z.number().int().nullable().meta({
	description:
		"Tokens still spendable on this feature and model after this request: what is left of the free allowance of the feature's module in its current window plus the remaining tokens of the lots usable for this model (general and model-scoped), open holds already deducted. One figure, computed in one place, in /check (remaining_after), /consume, /holds, settle and release, and no more than the tightest cap in force on the use (a limit per day, week or month that holds even when tokens are there: the account's, a team's, or a team member's own when the use is theirs) leaves after this request: what one answer says is left, the next /check's `spendable` says, and a preview never promises what a cap will refuse. /usage's rows state what the account had left after each use, before any cap. 0 when the feature is off for the account (`feature_disabled`), whatever its lots hold. null = unlimited."
});

/**
 * What `allowances[].used` and `held` count, said once for the balance API, its stream and the widget's: the
 * free tokens an open hold took are in both (the dashboard's "N of M left" and /check count them used too).
 */
export const ALLOWANCE_USED =
	"Tokens taken from this allowance in its current window: spent, plus what open holds took from it (a hold takes its free tokens when it is made; its settle keeps what the reply cost and its release or expiry gives the rest back). `limit − used` is what is left of it, as the dashboard's “N of M left”, /check's `paid_by` and `available` count it; none is left when `used` is over `limit` (a limit lowered after the use: the use stays as it was). The free tokens an open hold took are in this `used` and in the account's `held` alike: add neither to the other.";
export const BALANCE_HELD =
	"Tokens the account's open holds reserve, from its lots and its free allowances alike: in no `available` and in no allocation's `credit`; the part a hold took from a free allowance is also in that allowance's `used`. `available + held` is everything the account has until its holds close; a host totalling spent tokens adds up /usage's `tokens_used` (consumes and settled holds), not `used` or `held`.";

/** An allowance's `resets_at` (GET /api/v1/balance, the widget's figures). */
export const ALLOWANCE_RESETS_AT =
	'When its current window ends and the allowance starts afresh (ISO 8601). null = it never resets: a one-off allowance (period never), or a module not available to the account (limit 0), which has no window: say that it is not available, not when it resets.';

/** An allocation's `expires_at` (GET /api/v1/balance, the widget's figures): the soonest of its lots', not every token's. */
export const EXPIRES_AT_SOONEST =
	'When the soonest-expiring of this allocation\'s tokens expire (ISO 8601): only those; the rest may expire later or never. null = none of them expires. A mix (1,225 expiring on a date, 16,895 never) states that date here: do not show it as the whole allocation\'s.';

/** An allocation's `expiring_tokens` beside its `expires_at` (GET /api/v1/balance). */
export const EXPIRING_TOKENS =
	"How many of this allocation's tokens expire at `expires_at` (tokens, an integer): the remaining tokens of its lots that end then, as the dashboard says them (“1,225 expire Dec 14, 2026, …”); the rest of its `credit` expires later or never. An unlimited lot counts none. null when `expires_at` is null (none of them expires).";

/**
 * The answers, as the document describes them: `z.object`, as nothing parses an answer with them.
 * The document says `additionalProperties: false` of each (zod's output mode), so api-openapi's check
 * fails on a field an answer has and the document does not name.
 */
export const responses = {
	error: z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() }),
	balance: z.object({
		success: z.literal(true),
		data: z.record(
			z.string(),
			z.object({
				credit: z.number().int(),
				isUnlimited: z.boolean(),
				entity_key: z.string(),
				engine: z.string().nullable(),
				expires_at: z.string().nullable().meta({ description: EXPIRES_AT_SOONEST }),
				expiring_tokens: z.number().int().nullable().meta({ description: EXPIRING_TOKENS })
			})
		).meta({
			description:
				"The account's lots by what they may be spent on, in the seeds' shape: a model's key for tokens of that model, `general` for tokens any model may use. Only what the account has lots for is listed (an account with none has `{}`): read a missing key as 0 `credit`."
		}),
		allowances: z.array(
			z.object({
				module: z.string(),
				used: z.number().int().meta({ description: ALLOWANCE_USED }),
				limit: z.number().int().nullable().meta({ description: 'The most this allowance gives in a window; null = unlimited; 0 = none (the module is off for this account).' }),
				period: z.string(),
				resets_at: z.string().nullable().meta({ description: ALLOWANCE_RESETS_AT }),
				message: z.string().meta({
					description:
						"What to tell the user when this allowance stops them: the module's limit message; with limit 0 (not available to them), the words a consume of it is refused with (`feature_disabled`): that it is not available to their role, account or team, or, for a guest (also a module with no guest limit, listed with limit 0, period never: guests get none of it), that it needs an account. A module that gives the account no free tokens (None on the Limits page: it pays from its balance) is not listed."
				})
			})
		),
		unlimited: z.boolean().meta({
			description:
				'true while the account has unlimited use of every model (an unlimited lot for any model is in force): no use is refused for want of tokens, whatever `available` counts (caps and disabled features still refuse). Read it before `available`, which counts only tokens and free allowances.'
		}),
		unlimited_models: z.array(z.string()).meta({
			description:
				"The models whose use is unlimited by an unlimited lot for that model alone (each also `data[model].isUnlimited`); [] when none. With `unlimited` true, every model's use is unlimited, listed here or not."
		}),
		available: z.number().int().meta({
			description:
				'Tokens the account can spend now, over every model and module (countable ones: see `unlimited` and `unlimited_models`, which it does not reflect): the remaining tokens of its live lots (open holds already deducted) plus what is left of each free allowance in its current window. Unlimited lots and allowances add nothing countable. The stream\'s `available`, and the dashboard\'s "Available" unless a cap on the person\'s use leaves less (then the card shows what the cap leaves, as /check\'s `remaining_after` counts it, and this figure under it).'
		}),
		held: z.number().int().meta({ description: BALANCE_HELD })
	}),
	featureRate: z.object({
		feature_key: z.string(),
		feature_name: z.string(),
		tokens_per_unit: z.number(),
		token_type: z.string().meta({ description: 'What the rate is counted per: `word`, `character`, `token` (a model token: what the model counted, as the console says it) or `operation` (a fixed cost per use).' }),
		module: z.string(),
		breakdown: z.array(z.object({ label: z.string(), tokens: z.number() })).nullable(),
		enabled: z.boolean().meta({
			description: 'false: the site has turned this feature off; a check, consume or hold naming it is refused with `feature_disabled` until it is turned on again.'
		})
	}),
	check: z.object({
		allowed: z.boolean(),
		cost: z.number().int(),
		level,
		paid_by: z.array(paidBy),
		remaining_after: remaining,
		spendable: z.number().int().nullable().meta({
			description:
				'Tokens spendable on this feature and model now, before this request (what a refusal\'s `details.available` or `details.left` compares the cost with; null = unlimited). An allowed request\'s `remaining_after` is this less its `cost`; a refused one spends nothing, so its `remaining_after` is this figure, not what a refused cost would have left.'
		}),
		details: z
			.record(z.string(), z.unknown())
			.nullable()
			.meta({
				description:
					"Why it would be refused, in figures: the `details` a consume of the same request is refused with (HTTP 402), `operation` `check` (see the refusal codes: `cost` and `available` and `model` for `insufficient_tokens`; `limit`, `used`, `left`, `period`, `resets_at` for `allowance_exhausted` and `cap_reached`); null when allowed or when the refusal has no figures (`feature_disabled`)."
			}),
		active: z.boolean().meta({
			description:
				"Whether to show the feature at all. false when it is off for this account (`reason` `feature_disabled`: the feature is disabled, the account's free allowance for its module is 0, or a guest has no guest limit for it), or when nothing is left to pay with (no free tokens and no balance) and the module is set to show as inactive then. A consume of the same request is refused with the same `reason`."
		}),
		reason: z.string().nullable().meta({ description: 'Why it would be refused: the refusal code a consume of the same request gets (`feature_disabled`, `cap_reached`, `allowance_exhausted`, `insufficient_tokens`); null when allowed.' }),
		message: z.string().nullable()
	}),
	key: z.object({
		id: z.uuid(),
		kind: z.enum(['site', 'account']).meta({ description: '`site`: acts for any account of the site (name a `user`, `team` or `guest`); `account`: only for `account_id`.' }),
		account_id: z.uuid().nullable().meta({ description: 'The account an account key acts for; null for a site key.' }),
		scopes: z.array(z.enum(KEY_SCOPES)).meta({ description: SCOPES_DOC })
	}),
	consume: z.object({ operation_id: z.uuid(), cost: z.number().int(), paid_by: z.array(paidBy), remaining, level }),
	hold: z.object({ hold_id: z.uuid(), held: z.number().int(), expires_at: z.string(), paid_by: z.array(paidBy), remaining, level }),
	settle: z.object({
		cost: z.number().int().meta({ description: 'Tokens charged: the settled `tokens` (0 for a release). A settle costs what it settles, not units × rate.' }),
		released: z.number().int().meta({ description: 'Tokens of the hold given back: what it held less `cost`.' }),
		paid_by: z.array(paidBy).meta({
			description:
				"What paid `cost`: the hold's `paid_by` less what went back to each source (the last to pay gets its tokens back first), in the order they paid; a source left with nothing is not listed, so a release's is []. Its `tokens` add up to `cost`, as /usage's row for the settle counts it."
		}),
		remaining
	}),
	grant: z.object({ lot_id: z.uuid(), operation_id: z.uuid(), tokens: z.number().int().meta({ description: 'Tokens granted: 0 for an unlimited grant.' }) }),
	grantEnded: z.object({
		lot_id: z.uuid(),
		operation_id: z.uuid().meta({ description: 'The operation that records the end: an expiry of the tokens that ended (0 for unlimited use), on the statement as "Ended" ("Unlimited ended").' }),
		ended_at: z.iso.datetime().meta({ description: 'When the grant ended: the lot expires then, and spends after it no longer use it.' }),
		tokens: z.int().min(0).meta({ description: 'The tokens left in the lot that expired with the end: gone from the balance. 0 for unlimited use, which holds none.' })
	}),
	usage: z.object({
		data: z.array(
			z.object({
				id: z.uuid(),
				generator: z.string().meta({
					description:
						"What the use was made with: its `model` when it named one, else its `feature` key. The first version of this API's field, kept as it was so no integration breaks; read `feature` and `model` for each alone."
				}),
				feature: z.string().meta({ description: 'The key of the feature used (as `/feature-rates` lists it).' }),
				model: z.string().nullable().meta({ description: "The model's key the use named; null: none (only general tokens paid)." }),
				tokens_used: z.number().int().meta({
					description:
						"Tokens the use cost: a consume's `cost` (units × the feature's rate, rounded up once); a settled hold's the tokens it settled (its `cost`), not what it held: the rest was released. A hold released or expired with nothing settled cost nothing and is not listed."
				}),
				date: z.string(),
				remaining,
				user_id: z.string().nullable().meta({
					description:
						"Who spent the tokens, when a person did: on a team's pool, the member a site key named (`member`) or who used it signed in to the app; on a user's account, that user when signed in. Given as the API takes them back (`user`, `member`, a webhook's `user_id`): your site's id for them, else their Quota user id. null: the account's own use (a site key with no `member`, a guest)."
				})
			})
		),
		next_cursor: z.string().nullable()
	})
};
