import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { config } from '../config';
import { DEMO_PASSWORD, demoLogins, isEmpty, seedDemo } from './seed';

const sqlDemoAdmin = sql`select 1 from users where email = 'admin@quota.test'`;

/** On start: load the demo into an empty database (when SEED_DEMO), and print how to sign in. */
export async function ensureDemoData(db: Db): Promise<void> {
	const cfg = config();
	if (!cfg.SEED_DEMO) return;
	let siteKey: string | null = null;
	if (await isEmpty(db)) {
		({ siteKey } = await seedDemo(db, { siteKeyValue: cfg.DEMO_SITE_API_KEY }));
	} else if (!(await db.rows(sqlDemoAdmin)).length) {
		return;
	}
	const width = Math.max(...demoLogins.map((l) => l.email.length));
	console.log(`\nDemo logins (password for all: ${DEMO_PASSWORD}):`);
	for (const l of demoLogins) console.log(`  ${l.email.padEnd(width)}  ${l.about}`);
	const key = cfg.DEMO_SITE_API_KEY ?? siteKey;
	if (key) console.log(`\nDemo site API key: ${key}${cfg.DEMO_SITE_API_KEY ? '' : '  (shown once; set DEMO_SITE_API_KEY to choose it)'}`);
}
