import type { Allocation, AllowanceStatus } from './queries';
import type { Level } from './types';
import { levelOfLeft } from '../../share-level';

/**
 * An account's allocation, the 100% of every share the dashboard and the alerts speak of.
 * - `base`: what the account's live lots were granted (a spent or expired lot drops out; one a
 *   running hold emptied stays until the hold closes, as its tokens are still in `left`) plus the
 *   limits of its free allowances (an unlimited allowance adds nothing countable), in tokens.
 * - `left`: what is still there of it: the lots' remaining tokens, the allowances' limit − used,
 *   and the tokens held by running operations (they are the account's until settled), in tokens.
 * - `unlimited`: the account has unlimited general tokens, so no share applies.
 * - `allowanceBase`: the free allowances' part of `base` (their limits), which follows their rules.
 */
export interface AllocationShare {
	base: number;
	left: number;
	unlimited: boolean;
	allowanceBase: number;
}

/**
 * `AllocationShare` from the dashboard's figures of one account; with `modules`, of the free
 * allowances only those of these modules count (what a use of them can draw on). `heldLots`: what the
 * live lots running holds emptied were granted (absent from `allocations`), in tokens: required, so
 * the dashboard's level and the alerts' share cannot measure against different allocations.
 */
export function allocationShare(
	b: { allocations: Allocation[]; allowances: AllowanceStatus[]; held: number; heldLots: number },
	modules?: ReadonlySet<string>
): AllocationShare {
	let base = b.heldLots;
	let left = b.held;
	let allowanceBase = 0;
	for (const a of b.allocations) {
		if (a.unlimited) continue;
		base += a.amount;
		left += a.remaining;
	}
	for (const a of b.allowances) {
		if (a.limit === null || (modules && !modules.has(a.module))) continue;
		allowanceBase += a.limit;
		left += Math.max(a.limit - a.used, 0);
	}
	return { base: base + allowanceBase, left, unlimited: b.allocations.some((a) => a.unlimited && a.model === null), allowanceBase };
}

/**
 * Green / yellow / red for a balance: red when nothing of the allocation is left, yellow below
 * `sharePercent` of it, green otherwise or with unlimited general tokens. The dashboard, the
 * alerts and the settings text all mean this.
 */
export function levelOf(b: Parameters<typeof allocationShare>[0], sharePercent: number): Level {
	const { base, left, unlimited } = allocationShare(b);
	return unlimited ? 'ok' : levelOfLeft(left, base, sharePercent);
}
