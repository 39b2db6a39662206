import type { JobDefinition } from '../schedule';
import { mailer as appMailer, type Mailer, type MailMessage } from './index';

/**
 * Mail sent through the schedule: `enqueue(tx, 'mail.send', message)` in the transaction that
 * makes the mail necessary, and it goes out after the commit, retried with backoff when the SMTP
 * server refuses or is down (5 tries over about 15 minutes).
 */
export function mailJob(mailer?: Mailer): JobDefinition {
	return {
		name: 'mail.send',
		run: ({ payload }) => (mailer ?? appMailer()).send(payload as MailMessage)
	};
}
