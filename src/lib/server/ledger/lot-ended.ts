import { sql, type SQL } from 'drizzle-orm';

/**
 * Whether someone ended the lot `lot` (its id, SQL) before its time: a site admin or a site key
 * (quota_end_lot's operation), not its expiry or end date. A boolean SQL expression.
 */
export const endedBySomeone = (lot: SQL): SQL => sql`exists (select 1 from entries e join operations o on o.id = e.operation_id
	           where e.lot_id = ${lot} and e.kind = 'expire' and o.metadata @> '{"ended": true}'::jsonb
	             and not coalesce((o.metadata ->> 'at_end_date')::boolean, false))`;
