export * from './accounts';
export * from './ledger';
export * from './store';
export * from './push';
export * from './admin';
export * from './schedule';
export * from './webhooks';
export * from './referrals';
