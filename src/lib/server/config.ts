import { z } from 'zod';
// Quota's words for invalid values ("PORT must be a whole number from 1 to 65,535."), not zod's.
import './input-words';

const bool = z
	.enum(['true', 'false', '1', '0', 'yes', 'no'])
	.transform((v) => v === 'true' || v === '1' || v === 'yes');

/** What the local Paddle simulator signs with when no real secret is configured. */
export const SIMULATOR_WEBHOOK_SECRET = 'pdl_ntfset_quota_local_simulator_secret';

const schema = z
	.object({
		NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
		PORT: z.coerce.number().int().min(1).max(65535).default(3000),
		// Defaults to http://localhost:$PORT (see parseConfig).
		ORIGIN: z.url(),
		DATABASE_URL: z
			.string()
			.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
			.optional(),
		DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
		// Group-committed batches of consumes and holds in flight at once per process (ledger/group-commit.ts).
		GROUP_COMMIT_IN_FLIGHT: z.coerce.number().int().min(1).max(8).default(2),
		PGLITE_DIR: z.string().min(1).default('./data/pglite'),
		APP_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
		// Both default to on for the embedded database only (see parseConfig): a production
		// PostgreSQL must never get the demo admin with its published password, nor a free "pay" button.
		SEED_DEMO: bool,
		PADDLE_SIMULATOR: bool,
		// Whether webhook endpoints may be on loopback, private or link-local addresses: on for the
		// embedded database (a developer's listener on localhost), off with DATABASE_URL (see parseConfig),
		// where a URL like http://169.254.169.254/ would make the server fetch its own network for the admin.
		WEBHOOK_PRIVATE_URLS: bool,
		DEMO_SITE_API_KEY: z
			.string()
			.regex(/^qk_[A-Za-z0-9_-]{20,}$/, 'must look like qk_ followed by at least 20 letters/digits')
			.optional(),
		SMTP_URL: z
			.string()
			.regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
			.optional(),
		MAIL_FROM: z.string().min(3).default('Quota <no-reply@quota.localhost>'),
		MAIL_DIR: z.string().default('./data/mail'),
		PADDLE_ENV: z.enum(['sandbox', 'production']).default('sandbox'),
		PADDLE_API_KEY: z.string().min(10).optional(),
		PADDLE_CLIENT_TOKEN: z.string().min(10).optional(),
		// The other Paddle environment's API key (sandbox's on a live site, and the reverse): a package
		// deleted then has its price there archived too (store/catalog-admin.ts deleteProduct).
		PADDLE_OTHER_ENV_API_KEY: z.string().min(10).optional(),
		PADDLE_WEBHOOK_SECRET: z.string().min(8).default(SIMULATOR_WEBHOOK_SECRET),
		SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).default(60 * 24 * 7),
		SESSION_ABSOLUTE_DAYS: z.coerce.number().int().min(1).default(30),
		// Sign-ups from one address in an hour (every process counts them together, accounts/signin.ts).
		SIGNUPS_PER_IP_HOUR: z.coerce.number().int().min(1).max(100000).default(10),
		// Seconds between the schedule's routine checks (see schedule/app-jobs.ts).
		SCHEDULE_CHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
		// Seconds a REST or tRPC call waits for its answer before a 503 (rest/handler.ts answerWithin, trpc/edge-answer.ts answerCallsWithin).
		API_ANSWER_WITHIN_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
		LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info')
	})
	.refine((c) => !(c.PADDLE_API_KEY && c.PADDLE_SIMULATOR), {
		message: 'cannot be on while PADDLE_API_KEY is set: choose real Paddle or the simulator',
		path: ['PADDLE_SIMULATOR']
	})
	.refine((c) => !c.PADDLE_API_KEY === !c.PADDLE_CLIENT_TOKEN, {
		message: 'PADDLE_API_KEY and PADDLE_CLIENT_TOKEN must be set together (or neither, for the simulator)',
		path: ['PADDLE_CLIENT_TOKEN']
	})
	.refine((c) => !c.PADDLE_OTHER_ENV_API_KEY || c.PADDLE_API_KEY, {
		message: 'needs PADDLE_API_KEY: it reaches the other Paddle environment beside the one the site sells in',
		path: ['PADDLE_OTHER_ENV_API_KEY']
	})
	// With real Paddle keys, real webhooks are signed with the destination's own secret: the
	// simulator's default would reject every one of them.
	.refine((c) => !c.PADDLE_API_KEY || c.PADDLE_WEBHOOK_SECRET !== SIMULATOR_WEBHOOK_SECRET, {
		message: "must be your Paddle notification destination's secret when PADDLE_API_KEY is set",
		path: ['PADDLE_WEBHOOK_SECRET']
	});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
	override name = 'ConfigError';
}

/**
 * Parses the environment; the error is one line that names the variable.
 * Defaults that depend on the mode: without DATABASE_URL (the zero-setup embedded database) the demo
 * data, the Paddle simulator and webhooks to private addresses are on; with DATABASE_URL (production)
 * all three are off unless SEED_DEMO=true / PADDLE_SIMULATOR=true / WEBHOOK_PRIVATE_URLS=true say otherwise.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
	const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
	// The app's own address follows its port unless it is served elsewhere (behind a proxy).
	// scripts/serve.mjs gives the built server the same default.
	cleaned.ORIGIN ??= `http://localhost:${cleaned.PORT ?? 3000}`;
	const embedded = cleaned.DATABASE_URL === undefined;
	cleaned.SEED_DEMO ??= String(embedded);
	cleaned.PADDLE_SIMULATOR ??= String(embedded && !cleaned.PADDLE_API_KEY);
	cleaned.WEBHOOK_PRIVATE_URLS ??= String(embedded);
	const result = schema.safeParse(cleaned);
	if (result.success) return result.data;
	const issue = result.error.issues[0]!;
	const name = issue.path.join('.') || 'environment';
	const value = cleaned[name];
	const shown = value === undefined ? '' : ` (got ${JSON.stringify(name.includes('SECRET') || name.includes('KEY') ? '***' : value)})`;
	const sentence = (issue.message.startsWith(name) ? issue.message : `${name} ${issue.message}`).replace(/\.$/, '');
	throw new ConfigError(`Invalid configuration: ${sentence}${shown}`);
}

/**
 * What a start on this configuration should say although it runs: settings the docs ask of a
 * deployment (PostgreSQL) whose default works on one machine only. One line each, for the log.
 */
export function configWarnings(c: Config): string[] {
	const warnings: string[] = [];
	// accounts/secret.ts falls back on a file it makes in ./data: each machine (or container) gets its own.
	if (c.DATABASE_URL && !c.APP_SECRET)
		warnings.push(
			"Quota: APP_SECRET is not set, so this process signs guest cookies, embed tokens and store links with ./data/app-secret, made on this machine. Set APP_SECRET (32 characters or more), the same on every process: one with another secret refuses what this one signed."
		);
	return warnings;
}

export type PaymentsMode = 'paddle' | 'simulator' | 'none';

/** Who takes payments: real Paddle Billing (keys set), the local simulator, or nobody. */
export const paymentsMode = (c: Config): PaymentsMode => (c.PADDLE_API_KEY ? 'paddle' : c.PADDLE_SIMULATOR ? 'simulator' : 'none');

let cached: Config | undefined;

export function config(): Config {
	cached ??= parseConfig(process.env);
	return cached;
}
