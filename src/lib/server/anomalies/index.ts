/** Anomaly flags (issue 17.5): use against its own baseline per account and per API key, rapid depletion, new keys, refusal bursts; one flag per episode; owner and admin told, with one-tap actions. */
export { checkAnomalies, anomalyJob, type RaisedFlag } from './check';
export { openFlags, type OpenFlag } from './list';
export { pauseFlaggedKey, lowerCapFromFlag } from './actions';
export { capSuggestion, suggestedDailyCap, withCapSuggestions, type CapSuggestion, type AnomalyEntry } from './suggest';
export { anomalyWords } from './words';
export type { AnomalyDetail } from './notify';
export * from './rules';
