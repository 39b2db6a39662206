// `npm run reconcile`: checks every ledger invariant over the whole database (DATABASE_URL, or the
// embedded database in PGLITE_DIR — stop the app first: the embedded database serves one process).
import { getDbOrExit } from '../src/lib/server/db/opening';
import { reconcile } from '../src/lib/server/ledger';

const db = await getDbOrExit();
const report = await reconcile(db.orm);
const c = report.checked;
console.log(`Checked ${c.accounts} accounts, ${c.lots} lots, ${c.windows} allowance windows, ${c.operations} operations.`);
if (report.ok) {
	console.log('Reconcile: clean — every invariant holds.');
} else {
	console.error(`Reconcile: ${report.breaches.length} breach(es):`);
	for (const b of report.breaches) console.error(`  invariant ${b.invariant}: ${b.what} — ${JSON.stringify(b.row)}`);
}
await db.close();
process.exit(report.ok ? 0 : 1);
