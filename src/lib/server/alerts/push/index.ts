/** Web Push for alerts: the site's VAPID keys, devices' subscriptions (one per signed-in device), quiet hours, sending. */
export { vapidKeys, type VapidKeys } from './keys';
export { subscribePush, unsubscribePush, pushDeviceCount, hasPushDevice, isPushService, type DeviceSubscription } from './subscriptions';
export { setQuietHours, quietHoursOf, inQuietHours, type QuietHours } from './quiet';
export { queuePushes, deliverPush, pushJob, type UserPush, type PushOutcome, type PushOptions } from './send';
