import type { AlertKind, MomentumState, ScoreReason } from '../../../db/schema'
import type { DealSignals } from './signals'

/**
 * The momentum rules: transparent, pure, and the same for every tenant on day one. Each rule
 * looks at a deal's signals and, when it applies, moves the score from the base by its weight
 * and says why in words. The weights live in one object; calibration (./calibration.ts) adjusts
 * them to a tenant's own won and lost deals, keeping these as the prior.
 */

export const BASE_SCORE = 50

/** Points each rule moves the score by (negative: against the deal). */
export const WEIGHTS = {
  activity_up: 15,
  activity_down: -10,
  recent_two_way: 10,
  no_reply: -15,
  long_silence: -25,
  never_engaged: -10,
  buyer_engaging: 8,
  unanswered_outreach: -12,
  replies_slowing: -8,
  replies_quicker: 5,
  multi_threaded: 10,
  single_threaded: -8,
  stage_slow: -7,
  stage_overdue: -15,
  close_pushed_once: -6,
  close_pushed_often: -15,
  amount_cut: -8,
  close_date_passed: -20,
  close_soon_engaged: 6,
} as const satisfies Record<string, number>

export type ReasonCode = keyof typeof WEIGHTS
export type Weights = Record<ReasonCode, number>
export const REASON_CODES = Object.keys(WEIGHTS) as ReasonCode[]

/** Thresholds the rules use, in one place. */
export const THRESHOLDS = {
  /** Days without a two-way touch before a deal counts as quiet, and as silent. */
  quietDays: 10,
  silentDays: 30,
  /** Activity this week against the weekly average of the 4 weeks before. */
  upRatio: 1.5,
  downRatio: 0.5,
  /** Share of typical time in stage that is slow, and overdue. */
  slowShare: 1.25,
  overdueShare: 2,
  /** Scores below these are at risk / stalling; at or above this (with rising activity) accelerating. */
  atRiskBelow: 30,
  stallingBelow: 42,
  acceleratingFrom: 65,
  /** Stage probability from which a deal is past its proposal. */
  lateStageProbability: 50,
} as const

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
const times = (n: number) => (n === 2 ? 'twice' : `${n} times`)

/** The rules that apply to a deal, with their texts (before weights). Pure. */
export function firedRules(s: DealSignals): { code: ReasonCode, text: string }[] {
  const fired: { code: ReasonCode, text: string }[] = []
  const add = (code: ReasonCode, text: string) => fired.push({ code, text })
  const weekly = s.prior28 / 4
  if (s.recent7 >= 3 && s.recent7 >= Math.max(weekly, 0.5) * THRESHOLDS.upRatio) {
    add('activity_up', weekly >= 1 ? `activity up ${(s.recent7 / weekly).toFixed(1)}x this week (${s.recent7} vs ${weekly.toFixed(1)} a week)` : `${plural(s.recent7, 'activity', 'activities')} this week after a quiet month`)
  }
  else if (s.prior28 >= 4 && s.recent7 <= weekly * THRESHOLDS.downRatio) {
    add('activity_down', `activity down to ${s.recent7} this week from ${weekly.toFixed(1)} a week`)
  }

  if (s.daysSinceTwoWay === null) {
    if (s.ageDays >= 14) add('never_engaged', `no reply or meeting since it opened ${plural(s.ageDays, 'day')} ago`)
  }
  else if (s.daysSinceTwoWay >= THRESHOLDS.silentDays) add('long_silence', `no reply in ${s.daysSinceTwoWay} days`)
  else if (s.daysSinceTwoWay >= 14) add('no_reply', `no reply in ${s.daysSinceTwoWay} days`)
  else if (s.daysSinceTwoWay <= 3) add('recent_two_way', s.daysSinceTwoWay === 0 ? 'the buyer engaged today' : `the buyer engaged ${plural(s.daysSinceTwoWay, 'day')} ago`)

  if (s.inbound30 >= 2 && s.inbound30 >= s.outbound30) add('buyer_engaging', `${plural(s.inbound30, 'reply or meeting', 'replies and meetings')} for ${plural(s.outbound30, 'outreach', 'outreaches')} in 30 days`)
  else if (s.outbound30 >= 5 && s.inbound30 === 0) add('unanswered_outreach', `${s.outbound30} outreaches, no response in 30 days`)

  if (s.replyHoursRecent !== null && s.replyHoursEarlier !== null && s.replyHoursEarlier > 0) {
    if (s.replyHoursRecent >= s.replyHoursEarlier * 2 && s.replyHoursRecent >= 24) add('replies_slowing', `replies slowing: ${Math.round(s.replyHoursRecent)}h now, ${Math.round(s.replyHoursEarlier)}h before`)
    else if (s.replyHoursRecent <= s.replyHoursEarlier / 2) add('replies_quicker', `replies quicker: ${Math.round(s.replyHoursRecent)}h now, ${Math.round(s.replyHoursEarlier)}h before`)
  }

  if (s.contacts7 >= 3) add('multi_threaded', `${s.contacts7} stakeholders engaged this week`)
  else if (s.contacts30 <= 1 && s.ageDays >= 14) add('single_threaded', s.contacts30 === 1 ? 'single-threaded: one contact engaged in 30 days' : 'no contact engaged in 30 days')

  const share = s.daysInStage / Math.max(s.typicalStageDays, 1)
  if (share >= THRESHOLDS.overdueShare) add('stage_overdue', `${s.daysInStage} days in ${s.stageName} (typical ${Math.round(s.typicalStageDays)})`)
  else if (share >= THRESHOLDS.slowShare) add('stage_slow', `${s.daysInStage} days in ${s.stageName}, longer than the typical ${Math.round(s.typicalStageDays)}`)

  if (s.closePushes >= 2) add('close_pushed_often', `close date pushed ${times(s.closePushes)}`)
  else if (s.closePushes === 1) add('close_pushed_once', 'close date pushed once')
  if (s.amountCuts >= 1) add('amount_cut', s.amountCuts === 1 ? 'amount cut' : `amount cut ${times(s.amountCuts)}`)

  if (s.daysToClose !== null && s.daysToClose < 0) add('close_date_passed', `close date passed ${plural(-s.daysToClose, 'day')} ago`)
  else if (s.daysToClose !== null && s.daysToClose <= 14 && s.daysSinceTwoWay !== null && s.daysSinceTwoWay <= 7) add('close_soon_engaged', `closes in ${plural(s.daysToClose, 'day')} with the buyer engaged`)
  return fired
}

export interface Scored {
  score: number
  state: MomentumState
  /** Every rule that applied, strongest first; the top three are "the reasons". */
  reasons: ScoreReason[]
}

/** Score (0-100), state and reasons of a deal from its signals. Pure. */
export function scoreDeal(s: DealSignals, weights: Weights = WEIGHTS): Scored {
  const reasons = firedRules(s)
    .map(r => ({ code: r.code, text: r.text, points: Math.round(weights[r.code]) }))
    .filter(r => r.points !== 0)
    .sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || a.code.localeCompare(b.code))
  const score = Math.max(0, Math.min(100, Math.round(BASE_SCORE + reasons.reduce((sum, r) => sum + r.points, 0))))
  const codes = new Set(reasons.map(r => r.code))
  let state: MomentumState = 'steady'
  if (score < THRESHOLDS.atRiskBelow || codes.has('close_date_passed') || codes.has('long_silence')) state = 'at_risk'
  else if (score < THRESHOLDS.stallingBelow || codes.has('stage_overdue')) state = 'stalling'
  else if (score >= THRESHOLDS.acceleratingFrom && codes.has('activity_up') && (codes.has('recent_two_way') || codes.has('multi_threaded'))) state = 'accelerating'
  return { score, state, reasons }
}

export interface AlertDraft { kind: AlertKind, occurrence: string, message: string }

const day = (d: Date) => d.toISOString().slice(0, 10)

/**
 * The alerts a new score raises: a deal newly at risk or stalling, over its stage's typical
 * time, quiet after a proposal, past its close date, or losing its only engaged contact. Each
 * names its occurrence, so the same one never fires twice. Pure.
 */
export function alertsFor(s: DealSignals, scored: Scored, previous: { state: MomentumState } | null, now: Date): AlertDraft[] {
  const drafts: AlertDraft[] = []
  const top = scored.reasons[0]?.text
  const stageEntry = day(new Date(s.stageEnteredAt))
  if (scored.state === 'at_risk' && previous?.state !== 'at_risk') {
    drafts.push({ kind: 'at_risk', occurrence: day(now), message: `${s.name} is at risk${top ? `: ${top}` : ''}` })
  }
  if (scored.state === 'stalling' && previous && previous.state !== 'stalling' && previous.state !== 'at_risk') {
    drafts.push({ kind: 'stalling', occurrence: day(now), message: `${s.name} is stalling${top ? `: ${top}` : ''}` })
  }
  if (s.daysInStage >= s.typicalStageDays * THRESHOLDS.overdueShare) {
    drafts.push({ kind: 'stage_overdue', occurrence: `${s.stage}:${stageEntry}`, message: `${s.name} has been in ${s.stageName} for ${s.daysInStage} days (typical ${Math.round(s.typicalStageDays)})` })
  }
  if (s.probability >= THRESHOLDS.lateStageProbability && s.daysSinceTwoWay !== null && s.daysSinceTwoWay >= THRESHOLDS.quietDays
    && s.daysInStage >= THRESHOLDS.quietDays) {
    drafts.push({ kind: 'quiet_after_proposal', occurrence: `${s.stage}:${stageEntry}`, message: `${s.name} went quiet in ${s.stageName}: no reply in ${s.daysSinceTwoWay} days` })
  }
  if (s.daysToClose !== null && s.daysToClose < 0 && s.closeDate) {
    drafts.push({ kind: 'close_date_passed', occurrence: s.closeDate, message: `${s.name}'s close date (${s.closeDate}) has passed` })
  }
  if (s.contactsBefore === 1 && s.contacts7 === 0 && s.contactsLost14 >= 1) {
    drafts.push({ kind: 'lost_only_contact', occurrence: day(now), message: `${s.name} lost its only engaged contact (bounced or unsubscribed)` })
  }
  return drafts
}

/** The one next action to suggest for a deal, from its strongest reason. Pure. */
export function nextAction(s: Pick<DealSignals, 'stageName' | 'daysSinceTwoWay'>, reasons: readonly Pick<ScoreReason, 'code'>[]): string {
  const codes = new Set(reasons.map(r => r.code))
  if (codes.has('close_date_passed')) return 'Confirm the new close date with the buyer, or close the deal'
  if (codes.has('long_silence') || codes.has('no_reply') || codes.has('never_engaged')) return 'Call the main contact: email is not getting answers'
  if (codes.has('unanswered_outreach')) return 'Try another channel or another contact'
  if (codes.has('stage_overdue') || codes.has('stage_slow')) return `Agree the step that moves it out of ${s.stageName}`
  if (codes.has('close_pushed_often') || codes.has('close_pushed_once')) return 'Re-qualify the timeline with the decision maker'
  if (codes.has('single_threaded')) return 'Bring in a second stakeholder'
  if (codes.has('amount_cut')) return 'Check scope and budget before the next call'
  if (codes.has('replies_slowing')) return 'Ask what changed on their side'
  if (codes.has('activity_up') || codes.has('multi_threaded') || codes.has('close_soon_engaged')) return 'Book the next meeting while momentum is high'
  return 'Log the next step'
}

/**
 * The focus order: what to work on today. Risk (low score, falling score) and opportunity
 * (rising score) times value (log scale) times urgency (close date near or passed). Pure.
 */
export function focusPriority(input: { score: number, change: number, amount: number, daysToClose: number | null }): number {
  const risk = (100 - input.score) / 100 + Math.max(0, -input.change) / 20
  const opportunity = Math.max(0, input.change) / 40
  const value = Math.log10(Math.max(input.amount, 0) + 10)
  const urgency = input.daysToClose === null ? 0.6 : input.daysToClose < 0 ? 1.5 : 1 / Math.max(1, input.daysToClose / 14)
  return Math.round((risk + opportunity) * value * urgency * 1000) / 1000
}
