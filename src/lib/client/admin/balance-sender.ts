// The one way the console sends a general-balance adjustment (the Users list's editor and a user's
// page): each once, however often Save is pressed (send-once.ts).
import { trpc } from '$lib/client/trpc';
import { SendOnce } from './send-once';
import type { BalanceChange } from './balance-edit';

export type Adjustment = { accountId: string; reason: string } & Pick<BalanceChange, 'mode' | 'tokens'>;
/** What the server answers: the general balance before and after (tokens), and the change. */
export type Adjusted = { before: number; after: number; delta: number };

/** A sender that keeps its key while the adjustment stays the same (a retry, or the editor opened again). */
export const balanceSender = () => new SendOnce<Adjustment, Adjusted>((input, key) => trpc().admin.users.adjustBalance.mutate({ ...input, key }));
