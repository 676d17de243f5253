import type { DealSignals } from './signals'

/**
 * The model's features: each signal a deal's chance may move on, with its value for a deal and the
 * words a rep reads when it applies, and the thresholds and stage defaults they use. Pure; the
 * model (./model.ts) weighs them.
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

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`)
export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))

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
      if (s.conversations14 === 0)
        return { value: -NEUTRAL_CONVERSATIONS, text: 'no reply, inbound call or meeting with the buyer in 14 days' }
      const value = Math.log1p(rate) - NEUTRAL_CONVERSATIONS
      return {
        value,
        text: `${value < 0 ? 'only ' : ''}`
          + `${plural(s.conversations14, 'reply, inbound call or meeting', 'replies, inbound calls and meetings')}`
          + ' with the buyer in 14 days',
      }
    },
  },
  buyer_answers: {
    sign: 1,
    read: (s) => {
      // The share of our emails the buyer answered in 30 days (from three emails on).
      if (s.emailsSent30 < 3) return null
      const share = Math.min(1, s.replies30 / s.emailsSent30)
      return {
        value: share - 0.4,
        text: `the buyer answered ${Math.min(s.replies30, s.emailsSent30)} of ${s.emailsSent30} emails in 30 days`,
      }
    },
  },
  reply_speed: {
    sign: 1,
    read: (s) => {
      if (s.replyHoursRecent === null) return null
      const hours = Math.max(0.5, s.replyHoursRecent)
      const text
        = hours < 12
          ? `replies in ${Math.round(hours)}h on average`
          : hours < 48
            ? `replies take ${Math.round(hours)}h on average`
            : `replies take ${(hours / 24).toFixed(1)} days on average`
      return { value: clamp(-Math.log(hours / 12), -2.5, 2.5), text }
    },
  },
  buyer_month: {
    sign: 1,
    read: (s) => {
      const rate = weekly(s.conversations30, 30, s.historyDays)
      if (rate === null) return null
      if (s.conversations30 === 0)
        return { value: -NEUTRAL_CONVERSATIONS, text: 'no reply, inbound call or meeting with the buyer in 30 days' }
      const value = Math.log1p(rate) - NEUTRAL_CONVERSATIONS
      return {
        value,
        text: `${value < 0 ? 'only ' : ''}`
          + `${plural(s.conversations30, 'reply, inbound call or meeting', 'replies, inbound calls and meetings')}`
          + ' with the buyer in 30 days',
      }
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
      if (recent === null || prior === null || s.buyer14 + s.buyerPrior < 3) return null
      const value = clamp(Math.log((recent + 0.5) / (prior + 0.5)), -2, 2)
      if (Math.abs(value) < 0.4) return null
      const ratio = (recent + 0.5) / (prior + 0.5)
      return {
        value,
        text:
          value > 0
            ? `buyer engagement up ${ratio.toFixed(1)}x on the weeks before`
            : `buyer engagement down to ${Math.round(ratio * 100)} % of the weeks before`,
      }
    },
  },
  recent_two_way: {
    sign: 1,
    read: s =>
      s.daysSinceTwoWay !== null && s.daysSinceTwoWay <= 3
        ? {
            value: 1,
            text: s.daysSinceTwoWay === 0 ? 'the buyer engaged today' : `the buyer engaged ${plural(s.daysSinceTwoWay, 'day')} ago`,
          }
        : null,
  },
  no_reply: {
    sign: -1,
    read: (s) => {
      if (s.daysSinceTwoWay !== null) {
        return s.daysSinceTwoWay >= THRESHOLDS.quietDays
          ? { value: clamp((s.daysSinceTwoWay - 7) / 21, 0, 3), text: `no reply in ${s.daysSinceTwoWay} days` }
          : null
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
    read: s =>
      s.daysSinceTwoWay === null && s.historyCoversLife && s.ageDays >= 14
        ? { value: 1, text: `no reply or meeting since it opened ${plural(s.ageDays, 'day')} ago` }
        : null,
  },
  multi_threaded: {
    sign: 1,
    read: s =>
      s.contacts30 >= 3 ? { value: Math.min(s.contacts30, 6) - 2, text: `${s.contacts30} stakeholders engaged in 30 days` } : null,
  },
  single_threaded: {
    sign: -1,
    read: s =>
      s.contacts30 <= 1 && s.historyDays >= 14 && s.daysSinceTwoWay !== null
        ? { value: 1, text: s.contacts30 === 1 ? 'single-threaded: one contact engaged in 30 days' : 'no contact engaged in 30 days' }
        : null,
  },
  new_stakeholder: {
    sign: 1,
    read: s =>
      s.contactsNew14 >= 1
        ? { value: Math.min(s.contactsNew14, 3), text: `${plural(s.contactsNew14, 'new stakeholder')} joined in 14 days` }
        : null,
  },
  champion_lost: {
    sign: -1,
    read: s =>
      s.championsLost30 >= 1
        ? {
            value: Math.min(s.championsLost30, 2),
            text: s.championsLost30 === 1 ? 'an engaged contact bounced or left' : `${s.championsLost30} engaged contacts bounced or left`,
          }
        : null,
  },
  replies_slowing: {
    sign: -1,
    read: s =>
      s.replyHoursRecent !== null
      && s.replyHoursEarlier !== null
      && s.replyHoursEarlier > 0
      && s.replyHoursRecent >= s.replyHoursEarlier * 2
      && s.replyHoursRecent >= 24
        ? { value: 1, text: `replies slowing: ${Math.round(s.replyHoursRecent)}h now, ${Math.round(s.replyHoursEarlier)}h before` }
        : null,
  },
  replies_quicker: {
    sign: 1,
    read: s =>
      s.replyHoursRecent !== null && s.replyHoursEarlier !== null && s.replyHoursRecent <= s.replyHoursEarlier / 2
        ? { value: 1, text: `replies quicker: ${Math.round(s.replyHoursRecent)}h now, ${Math.round(s.replyHoursEarlier)}h before` }
        : null,
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
    read: s =>
      s.amountCuts >= 1
        ? {
            value: Math.min(s.amountCuts, 2),
            text: s.amountCuts === 1 ? 'amount cut by more than 10 %' : `amount cut ${times(s.amountCuts)} by more than 10 %`,
          }
        : null,
  },
  close_date_passed: {
    sign: -1,
    read: s =>
      s.daysToClose !== null && s.daysToClose < 0 ? { value: 1, text: `close date passed ${plural(-s.daysToClose, 'day')} ago` } : null,
  },
  close_soon_engaged: {
    sign: 1,
    read: s =>
      s.daysToClose !== null && s.daysToClose >= 0 && s.daysToClose <= 14 && s.daysSinceTwoWay !== null && s.daysSinceTwoWay <= 7
        ? { value: 1, text: `closes in ${plural(s.daysToClose, 'day')} with the buyer engaged` }
        : null,
  },
  stage_moved: {
    sign: 0,
    read: s =>
      s.probabilityThen !== null
        ? {
            value: 1,
            text: `moved to ${s.stageName} ${s.daysInStage === 0 ? 'today' : `${plural(s.daysInStage, 'day')} ago`}`
              + ` (from a ${s.probabilityThen} % stage to ${s.probability} %)`,
          }
        : null,
  },
  unanswered_outreach: {
    sign: -1,
    read: s =>
      s.rep30 >= 5 && s.conversations14 === 0
        ? {
            value: 1 + Math.min(s.rep7, 10) / 10,
            text: `${s.rep30} outreaches in 30 days, no answer in 14${s.rep7 >= 5 ? ` (${s.rep7} this week)` : ''}`,
          }
        : null,
  },
} as const satisfies Record<string, Feature>

export type ReasonCode = keyof typeof FEATURES
export const REASON_CODES = Object.keys(FEATURES) as ReasonCode[]
