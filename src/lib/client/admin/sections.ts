/** The admin console's pages, in the order its navigation lists them. */
export const adminSections = [
	{ href: '/admin', label: 'Overview', about: 'Tokens used, revenue, active users and open flags, site-wide' },
	{ href: '/admin/users', label: 'Users', about: 'Every account with its balance and this month’s use; adjust a balance' },
	{ href: '/admin/audit', label: 'Audit log', about: 'Who changed what, for which account, with before and after' },
	{ href: '/admin/keys', label: 'API keys', about: 'The site’s keys for its AI apps: create and revoke' },
	{ href: '/admin/limits', label: 'Limits', about: 'Free tokens per module for guests, members and roles; time zone, week start, spend order' },
	{ href: '/admin/rates', label: 'Rates and models', about: 'What each feature costs, with a cost preview; modules and models' },
	{ href: '/admin/webhooks', label: 'Webhooks', about: 'Events sent to the site’s backend: endpoints, delivery log, redelivery' },
	{ href: '/admin/jobs', label: 'Jobs', about: 'The scheduled work: last run, next run, failures' },
	{ href: '/admin/catalog', label: 'Catalog', about: 'Packs, bundles and subscriptions for sale, their prices and Paddle price ids' },
	{ href: '/admin/bonuses', label: 'Campaigns', about: 'Event bonuses to all users, a role or a team, once per account' },
	{ href: '/admin/payments', label: 'Payments', about: 'Paddle’s notifications and what each did, failed ones first' },
	{ href: '/admin/roles', label: 'Roles', about: 'The roles users can have; allowances can differ per role' }
] as const;
