// Webhooks to the host site: endpoints, the outbox fed by domain events, signed delivery, the log.
export { createEndpoint, listEndpoints, getEndpoint, updateEndpoint, deleteEndpoint, rotateSecret, endpointAddress, endpointInput, endpointPatch, type EndpointView } from './endpoints';
export { writeOutbox, startWebhookOutbox, webhookEventId } from './outbox';
export { deliverDue, RETRY_SCHEDULE_SECONDS, type DeliveryOptions } from './deliver';
export { listDeliveries, redeliver, retryNow, type DeliveryView, type TestDeliveryView, type LoggedDelivery, type AttemptView } from './log';
export { sendTestEvent, TEST_EVENT_TYPE } from './test-event';
export { webhookDeliveryJob } from './job';
export { closeWebhookAgents } from './address';
export { siteKeyActor } from './operator';
