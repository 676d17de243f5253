/**
 * The four momentum states, best to worst: the database enum (db/schema/momentum.ts), the API's
 * `state` values and the browser's labels (utils/momentum.ts) all read this one list.
 */
export const MOMENTUM_STATES = ['accelerating', 'steady', 'stalling', 'at_risk'] as const
export type MomentumState = (typeof MOMENTUM_STATES)[number]
