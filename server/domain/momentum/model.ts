import type { MomentumState } from '../../../db/schema'
import { logit, sigmoid } from './logistic'
import type { DealSignals } from './signals'
import { SHIPPED } from './shipped-weights'

/**
 * The momentum model: a deal's chance of winning starts from its stage's probability (the prior,
 * in log-odds) and each signal that applies moves it by its weight times its value. The weights
 * were fitted jointly (regularized logistic regression, ./logistic.ts) on generated tenants with
 * known outcomes (scripts/momentum-eval) and ship in ./shipped-weights.ts; a tenant with enough
 * closed deals gets them refined on its own history (./calibration.ts). Pure.
 */
import { clamp, FEATURES, plural, REASON_CODES, type ReasonCode } from './features'

export { DEFAULT_STAGE_DAYS, FALLBACK_STAGE_DAYS, FEATURES, REASON_CODES, THRESHOLDS, typicalStageDays, type ReasonCode } from './features'

/**
 * Weights: a log-odds weight per feature, plus two calibration terms that are never reasons —
 * `intercept` (the tenant's wins against what the stages promise) and `stage` (how far the
 * stage's log-odds are trusted: the prior counts 1 + stage).
 */
export type Weights = Record<ReasonCode | 'intercept' | 'stage', number>
export const WEIGHT_KEYS = ['intercept', 'stage', ...REASON_CODES] as const

/** The shipped weights, completed with 0 for any feature the fit did not know. */
export const SHIPPED_WEIGHTS: Weights = Object.fromEntries(
  WEIGHT_KEYS.map(k => [k, (SHIPPED.weights as Record<string, number>)[k] ?? 0]),
) as Weights

/** The stage prior in log-odds (probabilities kept off 0 and 100). */
export const stageLogit = (probability: number) => logit(clamp(probability, 1, 99) / 100)

/** Each feature's value for a deal (0 where it does not apply), in WEIGHT_KEYS order after the two calibration terms. Pure. */
export function featureVector(s: DealSignals): { values: number[], texts: (string | null)[] } {
  const read = REASON_CODES.map(code => FEATURES[code].read(s))
  return { values: read.map(r => r?.value ?? 0), texts: read.map(r => r?.text ?? null) }
}

/** The design row the fit uses: [1, stage log-odds, ...features]; the offset is the stage log-odds. Pure. */
export function designRow(s: DealSignals): number[] {
  return [1, stageLogit(s.probability), ...featureVector(s).values]
}

export interface Reason { code: ReasonCode, text: string, points: number }

/** Facts a rep should see even when they do not move the chance (a close date to update, a stage move this week). */
const INFORMATIONAL: ReadonlySet<ReasonCode> = new Set(['close_date_passed', 'stage_moved'])

export interface Prediction {
  /** The chance of winning, 0..1. */
  winProbability: number
  /** Log-odds before sigmoid. */
  z: number
  /** Every feature that applied, strongest first, each with the points (of 100) it moves the chance by. */
  reasons: Reason[]
}

const effect = (points: number, contribution: number) => {
  const size = Math.abs(points)
  const amount = size < 1 ? 'less than a point' : `about ${plural(size, 'point')}`
  return contribution >= 0 ? `raises the chance by ${amount}` : `cuts the chance by ${amount}`
}

/** The log-odds the model gives a deal of this stage when no signal applies. */
export function baselineZ(probability: number, weights: Weights): number {
  const prior = stageLogit(probability)
  return prior + weights.intercept + weights.stage * prior
}

/** A deal's chance of winning from its signals and the weights, with the reasons behind it. Pure. */
export function predict(s: DealSignals, weights: Weights = SHIPPED_WEIGHTS): Prediction {
  const prior = stageLogit(s.probability)
  const { values, texts } = featureVector(s)
  let z = prior + weights.intercept + weights.stage * prior
  REASON_CODES.forEach((code, i) => {
    z += weights[code] * values[i]!
  })
  const p = sigmoid(z)
  // Each signal's share of the move from the stage's baseline, along the curve: the points add up
  // to the whole move (where signals cancel out, the slope at the deal's chance).
  const baseline = prior + weights.intercept + weights.stage * prior
  const p0 = sigmoid(baseline)
  const slope = Math.abs(z - baseline) > 1e-6 ? (p - p0) / (z - baseline) : p * (1 - p)
  const reasons: Reason[] = []
  REASON_CODES.forEach((code, i) => {
    const contribution = weights[code] * values[i]!
    if (!texts[i]) return
    // A passed close date is always said, even where it does not move the chance by itself.
    if (contribution === 0) {
      if (INFORMATIONAL.has(code))
        reasons.push({ code, text: code === 'stage_moved' ? texts[i]! : `${texts[i]} (does not change the chance by itself)`, points: 0 })
      return
    }
    const points = Math.round(contribution * slope * 100)
    if (points === 0 && Math.abs(contribution) < 0.05) return
    reasons.push({ code, text: `${texts[i]} (${effect(points, contribution)})`, points })
  })
  reasons.sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || a.code.localeCompare(b.code))
  return { winProbability: p, z, reasons }
}

/** The same deal as it stood a week ago, from the lagged signals (`…Then`). Pure. */
export function signalsWeekAgo(s: DealSignals): DealSignals {
  const movedStage = s.probabilityThen !== null
  return {
    ...s,
    probability: s.probabilityThen ?? s.probability,
    probabilityThen: null,
    daysToClose: s.daysToClose === null ? null : s.daysToClose + 7,
    ageDays: Math.max(0, s.ageDays - 7),
    historyDays: Math.max(0, s.historyDays - 7),
    buyer14: s.buyer14Then,
    buyerPrior: s.buyerPriorThen,
    conversations14: s.conversations14Then,
    rep7: s.rep7Then,
    daysSinceTwoWay: s.daysSinceTwoWayThen,
    contacts30: s.contacts30Then,
    championsLost30: s.championsLost30Then,
    daysInStage: movedStage ? 0 : Math.max(0, s.daysInStage - 7),
    closePushes: s.closePushesThen,
    amountCuts: s.amountCutsThen,
  }
}

/** Where a deal is heading: its chance now against a week ago, in log-odds. */
export const STATE_THRESHOLDS = SHIPPED.state

/**
 * The state says where the deal is heading — its chance of winning and the buyer's engagement
 * now against a week before — with a deal whose signals weigh heavily against it (far below
 * what its stage alone would give) and not recovering counted as at risk. A healthy deal that is flat is steady, whatever its stage. Pure.
 */
export function stateOf(s: DealSignals, now: Prediction, weekAgo: Prediction, weights: Weights = SHIPPED_WEIGHTS): MomentumState {
  // Change needs a week ago with a week of history behind it; a deal seen for less has none to measure.
  const change = s.historyDays >= 14 ? now.z - weekAgo.z : 0
  const relative = now.z - baselineZ(s.probability, weights)
  const t = STATE_THRESHOLDS
  if (change <= t.atRiskChange || (relative <= t.atRiskBelowStage && change <= 0)) return 'at_risk'
  if (change <= t.stallingChange || (relative <= t.stallingBelowStage && change <= 0)) return 'stalling'
  if (change >= t.acceleratingChange && relative >= t.acceleratingAboveStage) return 'accelerating'
  return 'steady'
}

/** The model's inputs for a deal as stored with its daily score: stage log-odds, stage probability, each applying feature's value. Pure. */
export function featureRecord(s: DealSignals): Record<string, number> {
  const { values } = featureVector(s)
  const record: Record<string, number> = { stage: stageLogit(s.probability), stageProbability: s.probability }
  REASON_CODES.forEach((code, i) => {
    if (values[i] !== 0) record[code] = Math.round(values[i]! * 1000) / 1000
  })
  return record
}
