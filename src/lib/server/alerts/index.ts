/** Low-balance and out-of-tokens alerts: in-app notifications and mail, once per crossing. */
export { evaluateAlerts, type AlertKind, type SentAlert } from './evaluate';
export { alertLevel } from './level';
export { listNotifications, type NotificationRow } from './notifications';
export { startAlerts, coalescePerKey } from './watcher';
