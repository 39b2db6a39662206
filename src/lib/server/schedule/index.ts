export { startSchedule, retryDelaySeconds, type Schedule, type ScheduleOptions } from './runner';
export { enqueue, enqueueMany, withdraw, withdrawWaiting, ensureRecurring, makeDue, JOBS_CHANNEL, type JobDefinition, type JobContext, type EnqueueOptions } from './jobs';
export { listJobs, pruneJobs, type JobView } from './view';
