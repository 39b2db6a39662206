import { enqueue, enqueueMany, withdraw, type JobDefinition } from '../schedule';
import type { Executor } from '../db';
import { mailer as appMailer, type Mailer, type MailMessage } from './index';

const MAIL_JOB = 'mail.send';

/**
 * Queues a mail: call it with the transaction that makes the mail necessary (the reset token, the
 * invitation, the alert), so the mail exists exactly when that change committed. It goes out
 * right after the commit (the runners are woken then) and is retried with backoff while the SMTP
 * server refuses or is down (5 tries over about 15 minutes). `key` makes it once per key.
 */
export async function queueMail(exec: Executor, message: MailMessage, key: string): Promise<void> {
	await enqueue(exec, MAIL_JOB, message, { key });
}

/** `queueMail` of many mails, in one statement (the people told of an event bonus, a batch at a time). */
export async function queueMails(exec: Executor, mails: { message: MailMessage; key: string }[]): Promise<void> {
	await enqueueMany(exec, MAIL_JOB, mails.map((m) => ({ key: m.key, payload: m.message })));
}

/** Takes back a queued mail not yet sent (the demo's seed joins its team without mailing anyone); returns it, or null when it was sent or never queued. */
export async function withdrawMail(exec: Executor, key: string): Promise<MailMessage | null> {
	return (await withdraw(exec, MAIL_JOB, key)) as MailMessage | null;
}

/** The schedule's `mail.send` job: sends one queued mail (`mailer`: the app's, or a test's SMTP stand-in). */
export function mailJob(mailer?: Mailer): JobDefinition {
	return {
		name: MAIL_JOB,
		run: ({ payload }) => (mailer ?? appMailer()).send(payload as MailMessage)
	};
}
