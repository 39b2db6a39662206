/** The admin console's pages, in the order its navigation lists them (what each holds: section-about.ts). */
export const adminSections = [
	{ href: '/admin', label: 'Overview' },
	{ href: '/admin/users', label: 'Users' },
	{ href: '/admin/audit', label: 'Audit log' },
	{ href: '/admin/keys', label: 'API keys' },
	{ href: '/admin/limits', label: 'Limits' },
	{ href: '/admin/rates', label: 'Rates and models' },
	{ href: '/admin/webhooks', label: 'Webhooks' },
	{ href: '/admin/jobs', label: 'Jobs' },
	{ href: '/admin/catalog', label: 'Catalog' },
	{ href: '/admin/bonuses', label: 'Bonuses' },
	{ href: '/admin/payments', label: 'Payments' },
	{ href: '/admin/roles', label: 'Roles' }
] as const;
