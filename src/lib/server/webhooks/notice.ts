import type { Executor } from '../db';
import { audit, siteAdminContacts } from '../accounts';
import { webhookDisabledMail } from '../mail/templates';
import { queueMail } from '../mail/job';
import { config } from '../config';

/**
 * Tells the site admins, in the transaction that turned the endpoint off: an audit entry, and a
 * mail to each admin sent through the schedule (`mail.send`, retried), once per disabling.
 */
export async function noticeDisabled(tx: Executor, endpoint: { id: string; url: string; reason: string; disabledAt: string }): Promise<void> {
	await audit(tx, { action: 'webhook_endpoint.disabled', targetType: 'webhook_endpoint', targetId: endpoint.id, detail: { url: endpoint.url, reason: endpoint.reason } });
	const link = `${config().ORIGIN}/admin/webhooks`;
	for (const admin of await siteAdminContacts(tx)) {
		const mail = webhookDisabledMail(admin.email, admin.name, endpoint.url, endpoint.reason, link);
		await queueMail(tx, mail, `webhook-disabled:${endpoint.id}:${endpoint.disabledAt}:${admin.userId}`);
	}
}
