/** Low-balance and out-of-tokens alerts: in-app notifications and mail, once per crossing. */
export { evaluateAlerts, type AlertKind, type SentAlert } from './evaluate';
export { listNotifications, type NotificationRow } from './notifications';
export { startAlerts } from './watcher';
