export { StatsError, StatsErrorCodes } from './errors.js';
export type { StatsErrorCode } from './errors.js';
export type { NumericInput } from './validate-input.js';

// --- two-sample tests and distribution distances (section A) ---

// --- model metrics, column drift, dataset drift, corrections (section B) ---

// --- sketches and change detectors (section C) ---
