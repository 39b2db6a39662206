import { afterAll, beforeAll } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../src/lib/server/db';
import { createMailer } from '../../src/lib/server/mail';
import { mailJob } from '../../src/lib/server/mail/job';
import { startSchedule } from '../../src/lib/server/schedule';
import { freshDb } from './db';

export interface CapturedMail {
	to: string[];
	raw: string;
	/** The raw message with quoted-printable undone (enough to read subjects, text and links). */
	decoded: string;
}

/** Undoes quoted-printable soft breaks and escapes. */
export function decodeQuotedPrintable(raw: string): string {
	const bytes = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
	return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The first link in a mail whose path starts with `path` (e.g. "/reset/"). */
export function linkIn(mail: { decoded: string }, path: string): string {
	const escaped = path.replace(/[/]/g, '\\/');
	const match = new RegExp(`https?://[^\\s"<>]+${escaped}[a-z2-7]+`).exec(mail.decoded);
	if (!match) throw new Error(`no ${path} link in mail:\n${mail.decoded}`);
	return match[0];
}

/** A real SMTP server on 127.0.0.1 that keeps every message it receives. */
export async function startSmtp() {
	const messages: CapturedMail[] = [];
	const waiters: (() => void)[] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (c: Buffer) => chunks.push(c));
			stream.on('end', () => {
				const raw = Buffer.concat(chunks).toString('utf8');
				messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, decoded: decodeQuotedPrintable(raw) });
				waiters.splice(0).forEach((w) => w());
				callback();
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.server.address() as AddressInfo;
	return {
		url: `smtp://127.0.0.1:${port}`,
		messages,
		/** The newest message to `to`, waiting up to 5 s for it. */
		async waitFor(to: string, after = 0): Promise<CapturedMail> {
			const deadline = Date.now() + 5000;
			for (;;) {
				const found = messages.slice(after).filter((m) => m.to.includes(to)).at(-1);
				if (found) return found;
				if (Date.now() > deadline) throw new Error(`no mail to ${to}`);
				await new Promise<void>((r) => {
					waiters.push(r);
					setTimeout(r, 200);
				});
			}
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

/** The .eml files a file-transport mailer wrote, oldest first. */
export function readMailDir(dir: string): CapturedMail[] {
	let files: string[];
	try {
		files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
	} catch {
		return [];
	}
	return files.map((f) => {
		const raw = readFileSync(join(dir, f), 'utf8');
		const to = /^To: (.+)$/im.exec(raw)?.[1]?.trim() ?? '';
		return { to: [to.replace(/.*<(.+)>.*/, '$1')], raw, decoded: decodeQuotedPrintable(raw) };
	});
}

/**
 * The app's mail job sending to a loopback SMTP server (`smtp`: what it received), on a schedule that
 * never polls: a queued mail goes out on the runner's wake at commit. `stop` before closing `db`.
 */
export async function startOutbox(db: Db) {
	const smtp = await startSmtp();
	const schedule = await startSchedule(db, [mailJob(createMailer({ smtpUrl: smtp.url, mailDir: 'unused', from: 'Quota <no-reply@quota.test>' }))], { pollMs: 3_600_000 });
	return {
		smtp,
		stop: async () => {
			await schedule.stop();
			await smtp.close();
		}
	};
}

/**
 * A test file's fresh database with the app's mail job sending to a loopback SMTP server (startOutbox),
 * made in beforeAll (after `prepare`, given the database) and stopped, then closed, in afterAll. Read
 * `db` and `smtp` in a hook or a test, as useStoreTestBed's (helpers/paddle.ts).
 */
export function useOutboxDb(opts: { prepare?: (db: Db) => Promise<unknown> } = {}): { readonly db: Db; readonly smtp: Outbox['smtp'] } {
	let db: Db | undefined;
	let outbox: Outbox | undefined;
	beforeAll(async () => {
		db = await freshDb();
		await opts.prepare?.(db);
		outbox = await startOutbox(db);
	});
	afterAll(async () => {
		await outbox?.stop();
		await db?.close();
	});
	const made = <T>(value: T | undefined): T => {
		if (value === undefined) throw new Error('The outbox database is made in beforeAll: read it in a hook or a test.');
		return value;
	};
	return {
		get db() {
			return made(db);
		},
		get smtp() {
			return made(outbox).smtp;
		}
	};
}

type Outbox = Awaited<ReturnType<typeof startOutbox>>;
