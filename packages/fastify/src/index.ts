export { driftwatch, driftwatch as default, fastifyOptions } from './plugin.js';
export type { DriftwatchFastifyOptions } from './plugin.js';
