// Types only: the navigation's list reaches the overview through the layout's context (see
// `SECTIONS_CONTEXT`), so it stays in the layout's own file, not a chunk every console page fetches.
import type { adminSections } from './sections';

type Section = (typeof adminSections)[number];

/** The context key under which the console's layout hands its navigation's list to the overview. */
export const SECTIONS_CONTEXT = 'admin-sections';

/**
 * A line on what each admin page holds, for the overview's list of them. Apart from the navigation's
 * names, which every console page loads at start: these lines load with the overview's lower part.
 */
const about: Record<Section['href'], string> = {
	'/admin': 'Tokens used, revenue, active users and open flags, site-wide',
	'/admin/users': "Every account with its balance and this month's use; adjust a balance",
	'/admin/audit': 'Who changed what, for which account, with before and after',
	'/admin/keys': "The site's keys for its AI apps: create and revoke",
	'/admin/limits': 'Free tokens per module for guests, users and roles; time zone, week start, spend order',
	'/admin/rates': 'What each feature costs, with a cost preview; modules and models',
	'/admin/webhooks': "Events sent to the site's backend: endpoints, delivery log, redelivery",
	'/admin/jobs': 'The scheduled work: last run, next run, failures',
	'/admin/catalog': 'Packs, bundles and subscriptions for sale, their prices and Paddle price ids',
	'/admin/bonuses': 'Event bonuses to all users, a role or a team, once per account',
	'/admin/payments': "Paddle's notifications and what each did, flagged ones first",
	'/admin/roles': 'The roles users can have; allowances can differ per role'
};

/** The admin pages with what each holds, in the navigation's order. */
export const withAbout = (sections: readonly Section[]) => sections.map((s) => ({ ...s, about: about[s.href] }));
