// `npm run admin:promote -- someone@example.com`: makes a signed-up user a site admin, their address
// confirmed (the operator vouches for it), on the database the app uses (DATABASE_URL, or the
// embedded one in PGLITE_DIR — stop the app first: the embedded database serves one process).
import { getDbOrExit } from '../src/lib/server/db/opening';
import { promoteToSiteAdmin, promotionWords } from '../src/lib/server/accounts/operator';
import { DomainError } from '../src/lib/server/errors';

const email = process.argv[2];
if (!email) {
	console.error('Usage: npm run admin:promote -- someone@example.com');
	process.exit(2);
}
const db = await getDbOrExit();
try {
	console.log(promotionWords(email, await promoteToSiteAdmin(db, email)));
} catch (e) {
	if (!(e instanceof DomainError)) throw e;
	console.error(e.message);
	process.exitCode = 1;
} finally {
	await db.close();
}
