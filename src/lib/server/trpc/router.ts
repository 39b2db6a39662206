import { router } from './init';
import { systemRouter } from './routers/system';
import { meRouter } from './routers/me';
import { teamRouter } from './routers/team';
import { keysRouter } from './routers/keys';
import { ledgerRouter } from './routers/ledger';
import { settingsRouter } from './routers/settings';
import { storeRouter } from './routers/store';
import { alertsRouter } from './routers/alerts';
import { adminRouter } from './routers/admin';
import { webhooksRouter } from './routers/webhooks';
import { topupRouter } from './routers/topup';
import { referralsRouter } from './routers/referrals';

export const appRouter = router({
	system: systemRouter,
	me: meRouter,
	team: teamRouter,
	keys: keysRouter,
	ledger: ledgerRouter,
	store: storeRouter,
	settings: settingsRouter,
	alerts: alertsRouter,
	admin: adminRouter,
	webhooks: webhooksRouter,
	topup: topupRouter,
	referrals: referralsRouter
});

export type AppRouter = typeof appRouter;
