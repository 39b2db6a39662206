/** Site admins' changes: each one audited in the transaction that makes it. */
export { auditedChange, type AdminActor, type AuditedChange } from './audited';
export { adjustAccountBalance, type ManualAdjustment, type AdjustmentResult } from './adjust';
