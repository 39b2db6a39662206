import { sql, type SQL } from 'drizzle-orm';
import { users } from '../db/schema';

/**
 * The address a user is mailed at, in SQL: their `email` once they confirmed it (a link mailed to it
 * opened: accounts/address-confirmation.ts), else null. `u` is the users table, or its alias in the
 * query (`sql.raw('u')`). Every mail to a user's own address takes it from here, but the confirmation
 * link itself and a password reset they ask for, so an address someone else typed at sign-up is sent
 * one mail, not their alerts.
 */
export const mailAddress = (u: SQL | typeof users = users): SQL<string | null> => sql`case when ${u}.email_confirmed_at is not null then ${u}.email end`;
