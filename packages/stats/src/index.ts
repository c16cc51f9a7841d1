export { StatsError, StatsErrorCodes } from './errors.js';
export type { StatsErrorCode } from './errors.js';

// --- tests, distances, column drift, model metrics (owned by the tests/metrics work) ---

// --- sketches and change detectors (owned by the sketch/detector work) ---
