/**
 * Lifecycle facts over one timeline, each read like the sentence it checks. Every rule returns an
 * AssertionResult (never throws) carrying the records that decided it, so a failure shows the slice
 * of the timeline that broke the rule.
 */

export * from './timing.js';
export * from './state.js';
