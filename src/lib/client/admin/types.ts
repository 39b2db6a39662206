// What the Overview, Limits and Rates pages receive, as the admin router answers it.
import type { Inputs, Outputs } from '$lib/client/api-types';

export type AdminOverview = Outputs['admin']['overview']['get'];
export type AdminUsage = Outputs['admin']['overview']['usage'];
export type AdminUsageQuery = Inputs['admin']['overview']['usage'];
export type AdminLimits = Outputs['admin']['limits']['list'];
export type AdminModuleLimits = AdminLimits['modules'][number];
export type AdminSiteSettings = AdminLimits['settings'];
export type AdminFeature = Outputs['admin']['features']['list'][number];
export type AdminFeatureInput = Inputs['admin']['features']['upsert'];
export type AdminModule = Outputs['admin']['modules']['list'][number];
export type AdminModel = Outputs['admin']['models']['list'][number];
