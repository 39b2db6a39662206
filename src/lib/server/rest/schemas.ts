import { z } from 'zod';
import { MAX_TOKENS, MAX_UNITS } from '../ledger';

// The public REST v1 contract. These schemas validate requests and generate openapi.json.

const targetFields = {
	user: z.string().min(1).max(128).optional().meta({ description: 'Site keys: a Quota user id or the host site’s own user id (created on first use).' }),
	team: z.uuid().optional().meta({ description: 'Site keys: a team id (its shared pool).' }),
	guest: z.string().min(1).max(128).optional().meta({ description: 'Site keys: an anonymous visitor id.' })
};

export const targetQuery = z.object(targetFields).strict();

const feature = z.string().min(1).max(100).meta({ description: 'Feature key, e.g. ai_bots.', example: 'ai_bots' });
const model = z.string().min(1).max(100).nullish().meta({ description: 'Model key for per-model allocations, e.g. gpt-5-nano.' });
const units = z.number().int().min(1).max(MAX_UNITS).meta({ description: 'Words, characters, model tokens or operations (whole number).', example: 100 });
const metadata = z.record(z.string(), z.unknown()).optional().meta({ description: 'Kept with the operation, shown in the usage history.' });

export const checkBody = z.object({ ...targetFields, feature, units, model }).strict();
export const consumeBody = z
	.object({ ...targetFields, feature, units, model, metadata })
	.strict()
	.refine((b) => !b.metadata || JSON.stringify(b.metadata).length <= 4096, { message: 'metadata is limited to 4 KB', path: ['metadata'] });
export const holdBody = z
	.object({
		...targetFields,
		feature,
		model,
		max_tokens: z.number().int().min(1).max(MAX_TOKENS).meta({ description: 'Most tokens the operation may cost.' }),
		ttl_seconds: z.number().int().min(1).max(86_400).default(300).meta({ description: 'Released automatically after this.' }),
		metadata
	})
	.strict();
export const settleBody = z.object({ tokens: z.number().int().min(0).max(MAX_TOKENS).meta({ description: 'The real cost, at most what is held.' }) }).strict();
export const emptyBody = z.object({}).strict();
export const grantBody = z
	.object({
		user: targetFields.user,
		team: targetFields.team,
		tokens: z.number().int().min(1).max(MAX_TOKENS),
		source: z.enum(['bonus', 'referral', 'event', 'admin']),
		model,
		expires_at: z.iso.datetime({ offset: true }).nullish(),
		note: z.string().max(500).nullish()
	})
	.strict();
export const usageQuery = z
	.object({
		...targetFields,
		limit: z.coerce.number().int().min(1).max(200).default(50),
		cursor: z.string().max(200).optional()
	})
	.strict();

const paidBy = z
	.object({
		type: z.enum(['allowance', 'lot']),
		id: z.uuid().meta({ description: 'type allowance: the id of the allowance rule that pays; type lot: the id of the lot. The same id in /check and /consume.' }),
		label: z.string().meta({ description: 'The module (allowance) or the lot’s source (purchase, subscription, bonus, …).' }),
		model: z.string().nullable().meta({ description: 'The lot’s model scope; null = any model (and always for allowances).' }),
		tokens: z.number().int().meta({ description: 'Tokens this source pays (or would pay), in the order they are spent.' }),
		unlimited: z.boolean()
	})
	.meta({ description: 'One source that pays for the request.' });
const remaining = z.number().int().nullable().meta({
	description:
		'Tokens still spendable on this feature and model after this request: what is left of the free allowance of the feature’s module in its current window plus the remaining tokens of the lots usable for this model (general and model-scoped), open holds already deducted. One figure, computed in one place, in /check (remaining_after), /consume, /holds, settle, release and /usage. null = unlimited.'
});

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
				expires_at: z.string().nullable()
			})
		),
		allowances: z.array(
			z.object({ module: z.string(), used: z.number().int(), limit: z.number().int().nullable(), period: z.string(), resets_at: z.string().nullable() })
		),
		available: z.number().int().meta({
			description:
				'Tokens the account can spend now, over every model and module: the remaining tokens of its live lots (open holds already deducted) plus what is left of each free allowance in its current window. Unlimited lots and allowances add nothing countable. The dashboard’s "Available" and the stream’s `available`.'
		}),
		held: z.number().int().meta({ description: 'Tokens reserved by open holds: not in `available`; settled or released later.' })
	}),
	featureRate: z.object({
		feature_key: z.string(),
		feature_name: z.string(),
		tokens_per_unit: z.number(),
		token_type: z.string(),
		module: z.string(),
		breakdown: z.array(z.object({ label: z.string(), tokens: z.number() })).nullable()
	}),
	check: z.object({
		allowed: z.boolean(),
		cost: z.number().int(),
		level: z.enum(['ok', 'low', 'empty']),
		paid_by: z.array(paidBy),
		remaining_after: remaining,
		active: z.boolean(),
		reason: z.string().nullable(),
		message: z.string().nullable()
	}),
	consume: z.object({ operation_id: z.uuid(), cost: z.number().int(), paid_by: z.array(paidBy), remaining }),
	hold: z.object({ hold_id: z.uuid(), held: z.number().int(), expires_at: z.string(), paid_by: z.array(paidBy), remaining }),
	settle: z.object({ cost: z.number().int(), released: z.number().int(), remaining }),
	grant: z.object({ lot_id: z.uuid(), operation_id: z.uuid(), tokens: z.number().int(), created: z.boolean() }),
	usage: z.object({
		data: z.array(
			z.object({
				id: z.uuid(),
				generator: z.string(),
				feature: z.string(),
				model: z.string().nullable(),
				tokens_used: z.number().int(),
				date: z.string(),
				remaining
			})
		),
		next_cursor: z.string().nullable()
	})
};
