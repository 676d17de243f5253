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

/** Days a stage takes by default (before a tenant's own history says otherwise). */
export const DEFAULT_STAGE_DAYS: Record<string, number> = { new: 10, contacted: 14, qualified: 21, proposal: 21, negotiation: 21 }
export const FALLBACK_STAGE_DAYS = 21
/** How many of the tenant's own stage moves the default counts as when the two are blended. */
const STAGE_PRIOR_SAMPLES = 10

/** Typical days in a stage: the tenant's median shrunk toward the stage's default by how many moves it rests on. Pure. */
export function typicalStageDays(stage: string, median: number | null, samples: number): number {
  const prior = DEFAULT_STAGE_DAYS[stage] ?? FALLBACK_STAGE_DAYS
  if (median === null || samples <= 0) return prior
  return Math.max(1, (samples * median + STAGE_PRIOR_SAMPLES * prior) / (samples + STAGE_PRIOR_SAMPLES))
}

/** Thresholds the features use, in one place. */
export const THRESHOLDS = {
  /** Days without a two-way touch from which "no reply" applies. */
  quietDays: 14,
  /** Days of history a rate needs before it is read at all. */
  minHistoryDays: 7,
  /** Share of typical time in stage from which a deal is slow. */
  slowShare: 1.25,
  /** Stage probability from which a deal is past its proposal. */
  lateStageProbability: 50,
} as const

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`)
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))

/** Weekly rates over a window, normalized by the part of it the history covers (null: too little history). */
function weekly(count: number, windowDays: number, coveredDays: number): number | null {
  const days = Math.min(windowDays, coveredDays)
  return days < THRESHOLDS.minHistoryDays ? null : (count / days) * 7
}

/** log(1 + one conversation a week): the engagement level that neither raises nor cuts the chance. */
const NEUTRAL_CONVERSATIONS = Math.log1p(1)

interface Feature {
  /** +1: may only raise the chance; -1: may only lower it (rep-side effort never raises it); 0: either. */
  sign: number
  /** The feature's value for a deal (0: does not apply) and what it says. */
  read: (s: DealSignals) => { value: number, text: string } | null
}

/**
 * The features, in the order of the weight vector. Each one is a readable fact about the deal;
 * the reasons are the facts that moved the chance most.
 */
export const FEATURES = {
  buyer_engaging: {
    sign: 1,
    read: (s) => {
      // Around one conversation a week (the neutral level): more raises the chance, none cuts it.
      const rate = weekly(s.conversations14, 14, s.historyDays)
      if (rate === null) return null
      if (s.conversations14 === 0) return { value: -NEUTRAL_CONVERSATIONS, text: 'no reply, inbound call or meeting with the buyer in 14 days' }
      const value = Math.log1p(rate) - NEUTRAL_CONVERSATIONS
      return { value, text: `${value < 0 ? 'only ' : ''}${plural(s.conversations14, 'reply, inbound call or meeting', 'replies, inbound calls and meetings')} with the buyer in 14 days` }
    },
  },
  buyer_answers: {
    sign: 1,
    read: (s) => {
      // The share of our emails the buyer answered in 30 days (from three emails on).
      if (s.emailsSent30 < 3) return null
      const share = Math.min(1, s.replies30 / s.emailsSent30)
      return { value: share - 0.4, text: `the buyer answered ${Math.min(s.replies30, s.emailsSent30)} of ${s.emailsSent30} emails in 30 days` }
    },
  },
  reply_speed: {
    sign: 1,
    read: (s) => {
      if (s.replyHoursRecent === null) return null
      const hours = Math.max(0.5, s.replyHoursRecent)
      const text = hours < 12 ? `replies in ${Math.round(hours)}h on average` : hours < 48 ? `replies take ${Math.round(hours)}h on average` : `replies take ${(hours / 24).toFixed(1)} days on average`
      return { value: clamp(-Math.log(hours / 12), -2.5, 2.5), text }
    },
  },
  buyer_month: {
    sign: 1,
    read: (s) => {
      const rate = weekly(s.conversations30, 30, s.historyDays)
      if (rate === null) return null
      if (s.conversations30 === 0) return { value: -NEUTRAL_CONVERSATIONS, text: 'no reply, inbound call or meeting with the buyer in 30 days' }
      const value = Math.log1p(rate) - NEUTRAL_CONVERSATIONS
      return { value, text: `${value < 0 ? 'only ' : ''}${plural(s.conversations30, 'reply, inbound call or meeting', 'replies, inbound calls and meetings')} with the buyer in 30 days` }
    },
  },
  buyer_reading: {
    sign: 1,
    read: (s) => {
      const reads = s.buyer14 - s.conversations14
      const rate = weekly(reads, 14, s.historyDays)
      if (rate === null || reads <= 0) return null
      return { value: Math.log1p(rate), text: `${plural(reads, 'open or click', 'opens and clicks')} by the buyer in 14 days` }
    },
  },
  engagement_trend: {
    sign: 1,
    read: (s) => {
      // Against the weeks before — only as many of them as the history has.
      const recent = weekly(s.buyer14, 14, s.historyDays)
      const prior = weekly(s.buyerPrior, 42, s.historyDays - 14)
      if (recent === null || prior === null || (s.buyer14 + s.buyerPrior) < 3) return null
      const value = clamp(Math.log((recent + 0.5) / (prior + 0.5)), -2, 2)
      if (Math.abs(value) < 0.4) return null
      const ratio = (recent + 0.5) / (prior + 0.5)
      return { value, text: value > 0 ? `buyer engagement up ${ratio.toFixed(1)}x on the weeks before` : `buyer engagement down to ${Math.round(ratio * 100)} % of the weeks before` }
    },
  },
  recent_two_way: {
    sign: 1,
    read: s => (s.daysSinceTwoWay !== null && s.daysSinceTwoWay <= 3
      ? { value: 1, text: s.daysSinceTwoWay === 0 ? 'the buyer engaged today' : `the buyer engaged ${plural(s.daysSinceTwoWay, 'day')} ago` }
      : null),
  },
  no_reply: {
    sign: -1,
    read: (s) => {
      if (s.daysSinceTwoWay !== null) {
        return s.daysSinceTwoWay >= THRESHOLDS.quietDays ? { value: clamp((s.daysSinceTwoWay - 7) / 21, 0, 3), text: `no reply in ${s.daysSinceTwoWay} days` } : null
      }
      // No answer in what the history shows, but it starts after the deal: say only what is known.
      if (!s.historyCoversLife && s.historyDays >= THRESHOLDS.quietDays) {
        return { value: clamp((s.historyDays - 7) / 21, 0, 3), text: `no reply in the ${s.historyDays} days on record` }
      }
      return null
    },
  },
  never_engaged: {
    sign: -1,
    read: s => (s.daysSinceTwoWay === null && s.historyCoversLife && s.ageDays >= 14
      ? { value: 1, text: `no reply or meeting since it opened ${plural(s.ageDays, 'day')} ago` }
      : null),
  },
  multi_threaded: {
    sign: 1,
    read: s => (s.contacts30 >= 3 ? { value: Math.min(s.contacts30, 6) - 2, text: `${s.contacts30} stakeholders engaged in 30 days` } : null),
  },
  single_threaded: {
    sign: -1,
    read: s => (s.contacts30 <= 1 && s.historyDays >= 14 && s.daysSinceTwoWay !== null
      ? { value: 1, text: s.contacts30 === 1 ? 'single-threaded: one contact engaged in 30 days' : 'no contact engaged in 30 days' }
      : null),
  },
  new_stakeholder: {
    sign: 1,
    read: s => (s.contactsNew14 >= 1 ? { value: Math.min(s.contactsNew14, 3), text: `${plural(s.contactsNew14, 'new stakeholder')} joined in 14 days` } : null),
  },
  champion_lost: {
    sign: -1,
    read: s => (s.championsLost30 >= 1
      ? { value: Math.min(s.championsLost30, 2), text: s.championsLost30 === 1 ? 'an engaged contact bounced or left' : `${s.championsLost30} engaged contacts bounced or left` }
      : null),
  },
  replies_slowing: {
    sign: -1,
    read: s => (s.replyHoursRecent !== null && s.replyHoursEarlier !== null && s.replyHoursEarlier > 0
      && s.replyHoursRecent >= s.replyHoursEarlier * 2 && s.replyHoursRecent >= 24
      ? { value: 1, text: `replies slowing: ${Math.round(s.replyHoursRecent)}h now, ${Math.round(s.replyHoursEarlier)}h before` }
      : null),
  },
  replies_quicker: {
    sign: 1,
    read: s => (s.replyHoursRecent !== null && s.replyHoursEarlier !== null && s.replyHoursRecent <= s.replyHoursEarlier / 2
      ? { value: 1, text: `replies quicker: ${Math.round(s.replyHoursRecent)}h now, ${Math.round(s.replyHoursEarlier)}h before` }
      : null),
  },
  stage_slow: {
    sign: -1,
    read: (s) => {
      const typical = typicalStageDays(s.stage, s.stageMedianDays, s.stageSamples)
      const share = s.daysInStage / typical
      if (share < THRESHOLDS.slowShare) return null
      return { value: clamp(Math.log2(share), 0, 2.5), text: `${s.daysInStage} days in ${s.stageName} (typical ${Math.round(typical)})` }
    },
  },
  close_pushed: {
    sign: -1,
    read: s => (s.closePushes >= 1 ? { value: Math.min(s.closePushes, 3), text: `close date pushed ${times(s.closePushes)}` } : null),
  },
  amount_cut: {
    sign: -1,
    read: s => (s.amountCuts >= 1 ? { value: Math.min(s.amountCuts, 2), text: s.amountCuts === 1 ? 'amount cut by more than 10 %' : `amount cut ${times(s.amountCuts)} by more than 10 %` } : null),
  },
  close_date_passed: {
    sign: -1,
    read: s => (s.daysToClose !== null && s.daysToClose < 0 ? { value: 1, text: `close date passed ${plural(-s.daysToClose, 'day')} ago` } : null),
  },
  close_soon_engaged: {
    sign: 1,
    read: s => (s.daysToClose !== null && s.daysToClose >= 0 && s.daysToClose <= 14 && s.daysSinceTwoWay !== null && s.daysSinceTwoWay <= 7
      ? { value: 1, text: `closes in ${plural(s.daysToClose, 'day')} with the buyer engaged` }
      : null),
  },
  stage_moved: {
    sign: 0,
    read: s => (s.probabilityThen !== null
      ? { value: 1, text: `moved to ${s.stageName} ${s.daysInStage === 0 ? 'today' : `${plural(s.daysInStage, 'day')} ago`} (from a ${s.probabilityThen} % stage to ${s.probability} %)` }
      : null),
  },
  unanswered_outreach: {
    sign: -1,
    read: s => (s.rep30 >= 5 && s.conversations14 === 0
      ? { value: 1 + Math.min(s.rep7, 10) / 10, text: `${s.rep30} outreaches in 30 days, no answer in 14${s.rep7 >= 5 ? ` (${s.rep7} this week)` : ''}` }
      : null),
  },
} as const satisfies Record<string, Feature>

export type ReasonCode = keyof typeof FEATURES
export const REASON_CODES = Object.keys(FEATURES) as ReasonCode[]

/**
 * Weights: a log-odds weight per feature, plus two calibration terms that are never reasons —
 * `intercept` (the tenant's wins against what the stages promise) and `stage` (how far the
 * stage's log-odds are trusted: the prior counts 1 + stage).
 */
export type Weights = Record<ReasonCode | 'intercept' | 'stage', number>
export const WEIGHT_KEYS = ['intercept', 'stage', ...REASON_CODES] as const

/** The shipped weights, completed with 0 for any feature the fit did not know. */
export const SHIPPED_WEIGHTS: Weights = Object.fromEntries(WEIGHT_KEYS.map(k => [k, (SHIPPED.weights as Record<string, number>)[k] ?? 0])) as Weights

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
      if (INFORMATIONAL.has(code)) reasons.push({ code, text: code === 'stage_moved' ? texts[i]! : `${texts[i]} (does not change the chance by itself)`, points: 0 })
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
