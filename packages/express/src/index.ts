export {
  driftwatch,
  driftwatch as default,
  driftwatchErrors,
  healthRoutes,
  metricsRoute,
} from './middleware.js';
export type { DriftwatchRequestContext } from './request-context.js';
