import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, desc, eq, sql } from 'drizzle-orm';
import { TRPCError } from '@trpc/server';
import { type World, type Caller, adminWorld } from '../helpers/world';
import { configureRates } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db';
import { auditLog } from '../../src/lib/server/db/schema';
import { DomainError } from '../../src/lib/server/errors';

// The Limits page's rollover setting (issue 17.3): saved per module on all its rules, audited with
// before and after, shown back by the page's one read; new rules of the module follow it.
let db: Db;
let w: World;
let admin: Caller;

beforeAll(async () => {
	({ db, w, admin } = await adminWorld('10.9.0.3', configureRates));
});
afterAll(async () => db?.close());

const chat = { module: 'chat', guest: 100, limitType: 'general' as const, members: 1000, roles: {}, period: 'weekly' as const, limitMessage: 'Free chat is used up.', onExhausted: 'message' as const };

async function domainCode(p: Promise<unknown>) {
	try {
		await p;
		return 'ok';
	} catch (e) {
		if (e instanceof TRPCError && e.cause instanceof DomainError) return e.cause.code;
		if (e instanceof TRPCError) return e.code;
		throw e;
	}
}

describe('a module’s rollover on the Limits page', () => {
	it('is saved on every rule of the module, audited, read back, and followed by rules added later', async () => {
		await admin.admin.limits.save(chat);
		const setting = { capTokens: null, capPercent: 50, expiresAfterPeriods: 2 };
		expect(await admin.admin.limits.rollover({ module: 'chat', rollover: setting })).toEqual({ value: setting, changed: true });
		expect((await admin.admin.limits.list()).rollovers.chat).toEqual(setting);
		// A role rule added afterwards rolls over the same way.
		await admin.admin.limits.save({ ...chat, limitType: 'role', roles: { author: 5000 } });
		const rules = await db.rows<{ audience: string; percent: number | null; periods: number | null }>(
			sql`select audience, rollover_cap_percent as percent, rollover_periods as periods from allowance_rules where module = 'chat' order by audience`
		);
		expect(rules.map((r) => [r.audience, r.percent, r.periods])).toEqual([
			['guest', 50, 2],
			['role', 50, 2],
			['user', 50, 2]
		]);
		const [entry] = await db.orm.select().from(auditLog).where(and(eq(auditLog.action, 'limits.rollover_saved'), eq(auditLog.targetId, 'chat'))).orderBy(desc(auditLog.id)).limit(1);
		expect(entry).toMatchObject({ before: null, after: setting });
	});

	it('switches off, and refuses a bad setting or a module whose free tokens never reset', async () => {
		expect(await admin.admin.limits.rollover({ module: 'chat', rollover: null })).toEqual({ value: null, changed: true });
		expect((await admin.admin.limits.list()).rollovers.chat).toBeNull();
		expect(await domainCode(admin.admin.limits.rollover({ module: 'chat', rollover: { capTokens: 10, capPercent: 10, expiresAfterPeriods: null } }))).toBe('invalid_input');
		expect(await domainCode(admin.admin.limits.rollover({ module: 'chat', rollover: { capTokens: null, capPercent: 101, expiresAfterPeriods: null } }))).toBe('BAD_REQUEST');
		expect(await domainCode(admin.admin.limits.rollover({ module: 'no-such', rollover: null }))).toBe('unknown_module');
		await admin.admin.limits.save({ ...chat, period: 'never' });
		expect(await domainCode(admin.admin.limits.rollover({ module: 'chat', rollover: { capTokens: 10, capPercent: null, expiresAfterPeriods: null } }))).toBe('invalid_input');
	});
});
