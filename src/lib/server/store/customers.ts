import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';

/**
 * Whether a Paddle customer (the payer) completed a transaction for an account other than
 * `accountId`: the same card and e-mail paying for two accounts is one person (referral fraud
 * limit, referrals/record.ts). Read from the stored `transaction.completed` events and our orders.
 */
export async function paidForAnotherAccount(exec: Executor, customerId: string | null, accountId: string): Promise<boolean> {
	if (!customerId) return false;
	const [row] = await queryRows(exec, sql`
		select 1 from paddle_events e join orders o on o.paddle_transaction_id = e.transaction_id
		 where e.event_type = 'transaction.completed' and e.payload -> 'data' ->> 'customer_id' = ${customerId}
		   and o.account_id <> ${accountId}::uuid
		 limit 1`);
	return Boolean(row);
}
