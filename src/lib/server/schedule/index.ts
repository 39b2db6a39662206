export { startSchedule, retryDelaySeconds, type Schedule, type ScheduleOptions } from './runner';
export { enqueue, ensureRecurring, type JobDefinition, type JobContext, type EnqueueOptions } from './jobs';
export { listJobs, pruneJobs, type JobView } from './view';
