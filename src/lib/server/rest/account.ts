import type { AccessLevel } from '../accounts';
import { resolveAccount } from '../ledger/account-scope';
import type { RestContext } from './handler';
import { targetAccount, type Target } from './identity';

/** The account a REST call is about: named by a site key, the key's own, or the signed-in user's pool. */
export function accountOf(ctx: RestContext<unknown, unknown, unknown>, target: Target, level: AccessLevel): Promise<string> {
	if (ctx.key) return targetAccount(ctx.db, ctx.key, target, level);
	return resolveAccount(ctx.db, ctx.session!, undefined, level);
}
