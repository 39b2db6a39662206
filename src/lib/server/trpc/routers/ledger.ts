import { z } from 'zod';
import { router } from '../init';
import { memberProcedure, noInput } from '../procedures';
import { resolveAccount } from '../../accounts';
import { firstStepRead } from '../../alerts';
import { balancesRead, check, capLineRead, consume, freeUsePerDayRead, history, hourlyBaselineRead, listFeatures, lotUsePerDayRead, listModels, listModules, rolloverLinesRead, rollups, rollupsRead, statement, unlimitedNow, viewerAvailableRead, MAX_REPORT_WINDOWS } from '../../ledger';
import { cursor, idempotencyKey, keyLookup, pageLimit, siteDay, units } from '../../fields';
import { accountPurchasesRead } from '../../store';
import { mapRead, readOne, together } from '../../db/reads';
import { FORECAST_DAYS } from '../../../days';
import { allocationWords, unlimitedUse } from '../../../allocation-words';
import { availableCard, capBoundAvailable, lowBalanceAlert } from '../../../available-words';
import { forecastText, totalsPerWindow } from '../../../forecast';
import { balanceOf, FIGURE_MEANING } from '../../../balance-figures';
import { heldWords } from '../../../held-words';
import { siteDayWords } from '../../../site-day';

const accountInput = z.strictObject({ accountId: z.uuid().optional() });

/** Balances as Settings says: yellow below the account's first alert step (the site's share when it has none). */
const summaryRead = (accountId: string) => balancesRead(accountId, { lowSharePercent: firstStepRead(accountId) });

/** Unlimited use as the Available card says it (availableCard's `unlimited`): of every model (GET /api/v1/balance's `unlimited`), and the words under the figure. */
const unlimitedShown = (s: { allocations: Parameters<typeof unlimitedUse>[0] }) => ({ every: unlimitedUse(s.allocations).unlimited, words: allocationWords(s.allocations).unlimited });

/**
 * The summary, with what `userId` can spend of it when a cap on their use leaves less than its Available (`capBound`, the playground's figure)
 * and its unlimited use as the Available card says it (`unlimitedShown`).
 */
const viewerSummaryRead = (accountId: string, userId: string) =>
	mapRead(together({ summary: summaryRead(accountId), capLine: capLineRead(accountId, userId) }), ({ summary, capLine }) => ({
		...summary,
		capBound: capBoundAvailable(summary.available, capLine),
		unlimitedShown: unlimitedShown(summary)
	}));

/** The dashboard's first answer as one statement (one round trip): see `dashboard` below. */
function dashboardRead(accountId: string, userId: string, viewer: { own: boolean; zone: string | null }) {
	return mapRead(
		together({
			summary: summaryRead(accountId),
			recentUse: rollupsRead(accountId, { period: 'daily', windows: FORECAST_DAYS, by: 'feature' }),
			purchases: accountPurchasesRead(accountId, userId),
			rolledOver: rolloverLinesRead(accountId),
			pace: hourlyBaselineRead([accountId]),
			freeUsePerDay: freeUsePerDayRead(accountId),
			lotUsePerDay: lotUsePerDayRead(accountId),
			capLine: capLineRead(accountId, userId)
		}),
		// `forecast`: the Pace card's line, from the usual tokens per hour for the next 24 hours (`pace`, the
		// anomaly flags' baseline too) and what a usual day's free allowances paid (they renew: only the rest
		// draws on the balance) and what the lots paid of late (a used-up allowance's use draws on them); none is sent. `allocationWords`: what the Available and Active allocations cards say under their figures (unlimited use beside Available, as GET /api/v1/balance says it); `heldWords`: where running jobs' holds came from, said after the figures' meaning ('' with none).
		// `capBound`: what the viewer can spend when a cap on their use leaves less than Available; `availableCard`: the Available card's figure and line (the cap's, or unlimited use as GET /api/v1/balance says it).
		// `siteDay`: the Used this month card's "today" line and why, when the viewer's zone starts the day at another moment than the site's.
		({ pace, freeUsePerDay, lotUsePerDay, ...parts }) => {
			const s = parts.summary;
			const allUnlimited = s.allocations.length > 0 && s.allocations.every((a) => a.unlimited);
			const daily = totalsPerWindow(parts.recentUse).map((d) => d.tokens);
			const words = allocationWords(s.allocations);
			const shown = unlimitedShown(s);
			const capBound = capBoundAvailable(s.available, parts.capLine);
			const forecast = forecastText(s.available, allUnlimited, pace.get(accountId)!, s.everGranted, daily, balanceOf(s.allocations).balance, freeUsePerDay, lotUsePerDay, viewer.own ? 'your' : "the pool's");
			return {
				accountId,
				...parts,
				forecast,
				allocationWords: words,
				unlimitedShown: shown,
				availableCard: availableCard(s.available, s.held, shown, capBound),
				// The figures' meaning in full, as the console's pages unfold it (FiguresInFull), before the site's day's (worded on the device) and the holds'.
				figureMeaning: [FIGURE_MEANING.balance, FIGURE_MEANING.available, words.unlimitedMeaning, capBound?.meaning].filter(Boolean).join(' '),
				lowAlert: lowBalanceAlert(s.level, s.everGranted, s.allowances.some((a) => a.limit === null || a.used < a.limit)),
				heldWords: heldWords(s.held, s.heldFrom),
				capBound,
				siteDay: siteDayWords(s.usedToday, parts.recentUse.timeZone, viewer.zone)
			};
		}
	);
}

export const ledgerRouter = router({
	/** Summary cards, allocations and allowance meters of the account; `capBound`, what a cap on the caller's use leaves them of it, when less. */
	summary: memberProcedure.input(accountInput).query(async ({ ctx, input }) => {
		return readOne(ctx.db.orm, viewerSummaryRead(await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read'), ctx.auth.user.id));
	}),

	/**
	 * The cap that binds the caller's use of the account now, or null: what it leaves them in tokens when
	 * less than the account's Available, its words (`sub`) and its line as the dashboard shows it (`line`).
	 * The store says it above its packs: tokens bought then add to the account, not to what the cap lets
	 * the caller spend before it resets.
	 */
	capNow: memberProcedure
		.input(accountInput)
		.query(async ({ ctx, input }) => (await readOne(ctx.db.orm, viewerAvailableRead(await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read'), ctx.auth.user.id))).capBound),

	/** The unlimited use the account has now (every model, or which models: key and name), as the store says it beside a pack whose tokens it makes wait. */
	unlimitedNow: memberProcedure.input(accountInput).query(async ({ ctx, input }) => unlimitedNow(ctx.db.orm, await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read'))),

	/**
	 * The dashboard's first answer: summary, daily use by feature over the site's last FORECAST_DAYS days,
	 * purchases, the free tokens rolled over from earlier periods (still usable), the cap in force and
	 * the summary cards' words (lib/allocation-words.ts) in one call that names its account. The page
	 * asks before the settings say which account is active (the server knows), and without dates, so the query can be written into
	 * the page's HTML (lib/page-queries.ts) and its figures arrive while the scripts load; every
	 * refresh asks it again with the account shown. One statement after the account's resolution:
	 * each part is its reader's own read (the same the summary, the usage reports and the purchases
	 * page run), joined by `together`.
	 */
	dashboard: memberProcedure.input(accountInput).query(async ({ ctx, input }) => {
		const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read');
		const viewer = { own: accountId === ctx.auth.user.accountId, zone: ctx.auth.user.timeZone };
		return readOne(ctx.db.orm, dashboardRead(accountId, ctx.auth.user.id, viewer));
	}),

	history: memberProcedure
		.input(
			accountInput.extend({
				cursor: cursor.nullish(),
				limit: pageLimit.default(50),
				feature: keyLookup.nullish(),
				model: keyLookup.nullish(),
				// The site's days (YYYY-MM-DD), as Reports totals them, whatever the reader's zone.
				from: siteDay.nullish(),
				to: siteDay.nullish()
			})
			// Refused, not answered with an empty page: from after to is a mistake to say, not a quiet day.
			.refine((i) => !i.from || !i.to || i.from <= i.to, { path: ['from'], message: 'must be on or before to.' })
		)
		.query(async ({ ctx, input }) => {
			const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read');
			const page = await history(ctx.db.orm, accountId, {
				cursor: input.cursor,
				limit: input.limit,
				feature: input.feature,
				model: input.model,
				from: input.from,
				to: input.to,
				balances: true
			});
			// Named, so a page that asked before it knew the active account can tell whose rows these are.
			return { accountId, ...page };
		}),

	/**
	 * The account's statement: every movement of its balance (purchases, grants, renewals, refunds,
	 * chargebacks, expiries, spending), newest first, each with the balance after it; keyset-paged.
	 * Asked without a cursor by the statement page's HTML (lib/page-queries.ts).
	 */
	statement: memberProcedure
		.input(accountInput.extend({ cursor: cursor.nullish(), limit: pageLimit.default(50) }))
		.query(async ({ ctx, input }) => {
			const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read');
			return { accountId, ...(await statement(ctx.db.orm, accountId, { cursor: input.cursor, limit: input.limit })) };
		}),

	/** Use in the site's last `windows` daily/weekly/monthly windows (those allowances and caps reset on). */
	rollups: memberProcedure
		.input(
			accountInput.extend({
				period: z.enum(['daily', 'weekly', 'monthly']),
				windows: z.number().int().min(1).max(MAX_REPORT_WINDOWS),
				by: z.enum(['feature', 'model', 'member'])
			})
		)
		.query(async ({ ctx, input }) => {
			const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read');
			return rollups(ctx.db.orm, accountId, { period: input.period, windows: input.windows, by: input.by });
		}),

	/** Feature rates (with fixed-cost breakdowns) and models, for the playground and docs. */
	catalog: memberProcedure.input(noInput).query(async ({ ctx }) => ({
		features: await listFeatures(ctx.db.orm),
		models: await listModels(ctx.db.orm),
		// Their names, for what paid a use ("Free allowance · Chatbot"): the rest of a module is the console's.
		modules: (await listModules(ctx.db.orm)).map((m) => ({ key: m.key, name: m.name }))
	})),

	/** The cost preview: what it costs, who pays, the indicator level; changes nothing. */
	preview: memberProcedure
		.input(accountInput.extend({ feature: keyLookup, units, model: keyLookup.nullish() }))
		.query(async ({ ctx, input }) => {
			const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read');
			return check(ctx.db.orm, { accountId, feature: input.feature, units: input.units, model: input.model, actorUserId: ctx.auth.user.id });
		}),

	/** Runs one metered use from the app (the playground): a real consume, once per device-made key; `spendable`, what the person can still spend on it, caps counted. */
	consume: memberProcedure
		.input(
			accountInput.extend({
				feature: keyLookup,
				units,
				model: keyLookup.nullish(),
				idempotencyKey
			})
		)
		.mutation(async ({ ctx, input }) => {
			const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'spend');
			return consume(ctx.db.orm, {
				accountId,
				feature: input.feature,
				units: input.units,
				model: input.model,
				actor: { userId: ctx.auth.user.id },
				idempotency: { scope: `user:${ctx.auth.user.id}`, key: input.idempotencyKey },
				metadata: { via: 'playground' }
			});
		})
});
