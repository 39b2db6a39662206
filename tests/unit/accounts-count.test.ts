import { describe, expect, it } from 'vitest';
import { accountsCount } from '../../src/lib/client/admin/accounts-count';

// Admin → Users counts the rows it shows: the guests' summary row is not an account, and is named.
describe('the count above the users list', () => {
	it("names the guests' row it shows beside the accounts it counts", () => {
		expect(accountsCount(9, false, true, '')).toBe("9 accounts and the guests' row");
		expect(accountsCount(9, false, false, '')).toBe('9 accounts');
	});

	it('says one account, more to load, and the search', () => {
		expect(accountsCount(1, false, false, 'ada')).toBe('1 account matching “ada”');
		expect(accountsCount(50, true, true, '')).toBe("50+ accounts and the guests' row");
	});
});
