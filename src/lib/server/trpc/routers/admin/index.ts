// The admin console's procedures (`admin.*`, site admins only), one file per page.
import { router } from '../../init';
import { auditRoutes } from './audit';
import { limitsRoutes } from './limits';
import { overviewRoutes } from './overview';
import { ratesRoutes } from './rates';
import { adminSiteRoutes } from './site';
import { usersRoutes } from './users';
import { referralsAdminRoutes } from './referrals';

export const adminRouter = router({
	...overviewRoutes,
	...usersRoutes,
	...auditRoutes,
	...limitsRoutes,
	...ratesRoutes,
	...adminSiteRoutes, // catalog, campaigns, payments, roles, exports
	...referralsAdminRoutes
});
