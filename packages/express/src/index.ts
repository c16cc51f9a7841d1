export { driftwatch, driftwatch as default, healthRoutes, metricsRoute } from './middleware.js';
export type { DriftwatchRequestContext } from './middleware.js';
