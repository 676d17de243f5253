import type { AlertKind, MomentumState, ScoreReason } from '../../../db/schema'
import type { DealSignals } from './signals'
import {
  predict,
  REASON_CODES,
  SHIPPED_WEIGHTS,
  signalsWeekAgo,
  stateOf,
  THRESHOLDS,
  typicalStageDays,
  type ReasonCode,
  type Weights,
} from './model'

/**
 * The momentum rules: each deal's chance of winning (./model.ts: the stage's probability moved by
 * each signal in log-odds), its score (that chance in points of 100), its state (where it is
 * heading: the chance now against a week ago) and its reasons (the signals that moved the chance
 * most, in points). Alerts fire on changes only. Pure.
 */

export { REASON_CODES, THRESHOLDS, type ReasonCode, type Weights }

export interface Scored {
  /** The chance of winning in points of 100. */
  score: number
  /** The chance of winning, 0..1. */
  winProbability: number
  /** The chance a week ago (from the signals as they were), 0..1. */
  winProbabilityWeekAgo: number
  state: MomentumState
  /** Every signal that applied, strongest first; the top three are "the reasons". */
  reasons: ScoreReason[]
}

const round3 = (p: number) => Math.round(p * 1000) / 1000

/** Score (0-100), win probability, state and reasons of a deal from its signals. Pure. */
export function scoreDeal(s: DealSignals, weights: Weights = SHIPPED_WEIGHTS): Scored {
  const now = predict(s, weights)
  const before = predict(signalsWeekAgo(s), weights)
  return {
    score: Math.round(now.winProbability * 100),
    winProbability: round3(now.winProbability),
    winProbabilityWeekAgo: round3(before.winProbability),
    state: stateOf(s, now, before, weights),
    reasons: now.reasons,
  }
}

export interface AlertDraft { kind: AlertKind, occurrence: string, message: string }

const day = (d: Date) => d.toISOString().slice(0, 10)

/** The threshold conditions behind alerts (not the state ones), as they stand for some signals. Pure. */
export function thresholdAlerts(s: DealSignals, now: Date): AlertDraft[] {
  const drafts: AlertDraft[] = []
  const stageEntry = day(new Date(s.stageEnteredAt))
  const typical = typicalStageDays(s.stage, s.stageMedianDays ?? null, s.stageSamples ?? 0)
  if (s.daysInStage >= typical * 2) {
    drafts.push({
      kind: 'stage_overdue',
      occurrence: `${s.stage}:${stageEntry}`,
      message: `${s.name} has been in ${s.stageName} for ${s.daysInStage} days (typical ${Math.round(typical)})`,
    })
  }
  if (s.probability >= THRESHOLDS.lateStageProbability && s.daysSinceTwoWay !== null && s.daysSinceTwoWay >= 10 && s.daysInStage >= 10) {
    drafts.push({
      kind: 'quiet_after_proposal',
      occurrence: `${s.stage}:${stageEntry}`,
      message: `${s.name} went quiet in ${s.stageName}: no reply in ${s.daysSinceTwoWay} days`,
    })
  }
  if (s.daysToClose !== null && s.daysToClose < 0 && s.closeDate) {
    drafts.push({ kind: 'close_date_passed', occurrence: s.closeDate, message: `${s.name}'s close date (${s.closeDate}) has passed` })
  }
  if (s.contactsBefore === 1 && s.contacts7 === 0 && s.contactsLost14 >= 1) {
    drafts.push({
      kind: 'lost_only_contact',
      occurrence: day(now),
      message: `${s.name} lost its only engaged contact (bounced or unsubscribed)`,
    })
  }
  return drafts
}

/** What the previous run left for a deal: its state, the signals it read then, and when. */
export interface PreviousScore { state: MomentumState, signals?: Record<string, unknown> | null, computedAt?: Date | string | null }

/**
 * Whether a previous score can be compared with the new one. Not when it was made before this
 * model (its signals lack the history fields), nor when the deal's history has since grown
 * backwards — history posted or imported after the previous run (a new tenant loading its past, a
 * deal scored at creation and then given its history): the comparison would be with a deal
 * nobody could see yet. Pure.
 */
export function comparable(s: DealSignals, previous: PreviousScore, now: Date): boolean {
  const before = previous.signals
  if (!before || typeof before.historyDays !== 'number') return false
  const elapsedDays = previous.computedAt ? Math.max(0, (now.getTime() - new Date(previous.computedAt).getTime()) / 86_400_000) : 0
  return s.historyDays <= before.historyDays + elapsedDays + 1
}

/**
 * The alerts a new score raises — only on change. A deal scored for the first time raises none
 * (nothing is known to have changed), nor one whose history was filled in since its last score
 * (see comparable). After that: a deal newly at risk or stalling, and each threshold crossed
 * since the previous run (over its stage's typical time, quiet after a proposal, past its close
 * date, losing its only engaged contact). Each names its occurrence, so the same one never fires
 * twice. Pure.
 */
export function alertsFor(s: DealSignals, scored: Scored, previous: PreviousScore | null, now: Date): AlertDraft[] {
  if (!previous || !comparable(s, previous, now)) return []
  const drafts: AlertDraft[] = []
  const top = scored.reasons[0]?.text
  if (scored.state === 'at_risk' && previous.state !== 'at_risk') {
    drafts.push({ kind: 'at_risk', occurrence: day(now), message: `${s.name} is at risk${top ? `: ${top}` : ''}` })
  }
  if (scored.state === 'stalling' && previous.state !== 'stalling' && previous.state !== 'at_risk') {
    drafts.push({ kind: 'stalling', occurrence: day(now), message: `${s.name} is stalling${top ? `: ${top}` : ''}` })
  }
  const held = new Set(thresholdAlerts(previous.signals as unknown as DealSignals, now).map(d => `${d.kind}|${d.occurrence}`))
  for (const draft of thresholdAlerts(s, now)) {
    if (draft.kind === 'lost_only_contact' || !held.has(`${draft.kind}|${draft.occurrence}`)) drafts.push(draft)
  }
  return drafts
}

/** The one next action to suggest for a deal, from its strongest reason. Pure. */
export function nextAction(s: Pick<DealSignals, 'stageName' | 'daysSinceTwoWay'>, reasons: readonly Pick<ScoreReason, 'code'>[]): string {
  const codes = new Set(reasons.map(r => r.code))
  if (codes.has('close_date_passed')) return 'Confirm the new close date with the buyer, or close the deal'
  if (codes.has('champion_lost')) return 'Find who replaces your contact and re-introduce the deal'
  if (codes.has('no_reply') || codes.has('never_engaged')) return 'Call the main contact: email is not getting answers'
  if (codes.has('unanswered_outreach')) return 'Try another channel or another contact'
  if (codes.has('stage_slow')) return `Agree the step that moves it out of ${s.stageName}`
  if (codes.has('close_pushed')) return 'Re-qualify the timeline with the decision maker'
  if (codes.has('single_threaded')) return 'Bring in a second stakeholder'
  if (codes.has('amount_cut')) return 'Check scope and budget before the next call'
  if (codes.has('replies_slowing')) return 'Ask what changed on their side'
  if (codes.has('buyer_engaging') || codes.has('multi_threaded') || codes.has('new_stakeholder') || codes.has('close_soon_engaged'))
    return 'Book the next meeting while momentum is high'
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
