export {
  driftwatch,
  driftwatch as default,
  driftwatchErrors,
  healthRoutes,
  metricsRoute,
  type HealthRoutesOptions,
} from './middleware.js';
export type { DriftwatchRequestContext } from './request-context.js';
