/**
 * The rules: lifecycle facts over one timeline, each read like the sentence it checks and built from
 * the values it checks. Every rule takes an options object and returns an AssertionResult (never
 * throws) with a verdict and the records that decided it, so a failure shows the slice of the
 * timeline that broke it. The queries that rules share (when a container started or exited, its
 * restart count) are exported apart, from `./instants.js` and `./queries.js`.
 */
export * from './timing.js';
export * from './state.js';
export * from './lifecycle.js';
export * from './gating.js';
export * from './hooks.js';
export * from './deletion.js';
export * from './probes.js';
export * from './mutations.js';
export * from './http-probes.js';
export * from './node-operations.js';
