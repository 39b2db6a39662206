/** The admin console's pages, in the order its navigation lists them. */
export const adminSections = [
	{ href: '/admin', label: 'Console', about: 'The admin pages' },
	{ href: '/admin/users', label: 'Users', about: 'Every account with its balance and this month’s use; adjust a balance' },
	{ href: '/admin/audit', label: 'Audit log', about: 'Who changed what, for which account, with before and after' },
	{ href: '/admin/keys', label: 'API keys', about: 'The site’s keys for its AI apps: create and revoke' },
	{ href: '/admin/webhooks', label: 'Webhooks', about: 'Events sent to the site’s backend: endpoints, delivery log, redelivery' },
	{ href: '/admin/jobs', label: 'Jobs', about: 'The scheduled work: last run, next run, failures' }
] as const;
