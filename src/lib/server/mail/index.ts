import nodemailer from 'nodemailer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { config } from '../config';

export interface MailMessage {
	to: string;
	subject: string;
	text: string;
	html: string;
	/** The one link the mail is about; logged to the console when mail goes to files. */
	link?: string;
}

export interface Mailer {
	send(message: MailMessage): Promise<void>;
}

export interface MailerOptions {
	/** smtp:// or smtps:// URL; without it, mail is written as .eml files into `mailDir`. */
	smtpUrl?: string;
	mailDir: string;
	from: string;
}

/** Sends through SMTP, or (no SMTP_URL: development, demo, tests) writes real .eml files. */
export function createMailer(opts: MailerOptions): Mailer {
	if (opts.smtpUrl) {
		const transport = nodemailer.createTransport(opts.smtpUrl);
		return {
			async send(m) {
				await transport.sendMail(envelope(opts.from, m));
			}
		};
	}
	const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
	const dir = resolve(opts.mailDir);
	return {
		async send(m) {
			const info = await transport.sendMail(envelope(opts.from, m));
			mkdirSync(dir, { recursive: true, mode: 0o700 });
			const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`);
			writeFileSync(file, info.message as Buffer, { mode: 0o600 });
			console.log(`[mail] to ${m.to}: ${m.subject}${m.link ? ` — ${m.link}` : ''} (saved ${file})`);
		}
	};
}

/** Quoted-printable keeps links readable in the raw message (and in the saved .eml files). */
function envelope(from: string, m: MailMessage) {
	return { from, to: m.to, subject: m.subject, text: m.text, html: m.html, textEncoding: 'quoted-printable' as const };
}

let shared: Mailer | undefined;

/** The app's mailer, from SMTP_URL / MAIL_DIR / MAIL_FROM. */
export function mailer(): Mailer {
	const c = config();
	shared ??= createMailer({ smtpUrl: c.SMTP_URL, mailDir: c.MAIL_DIR, from: c.MAIL_FROM });
	return shared;
}
