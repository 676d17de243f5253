import { describe, expect, it } from 'vitest'
import { calibrationReport, fitWeights, MIN_LOST, MIN_WON, type Outcome } from '../../server/domain/momentum/calibration'
import { sigmoid } from '../../server/domain/momentum/logistic'
import {
  FEATURES,
  featureRecord,
  predict,
  REASON_CODES,
  SHIPPED_WEIGHTS,
  stageLogit,
  typicalStageDays,
  WEIGHT_KEYS,
  type Weights,
} from '../../server/domain/momentum/model'
import { alertsFor, focusPriority, nextAction, scoreDeal } from '../../server/domain/momentum/rules'
import type { DealSignals } from '../../server/domain/momentum/signals'
import { rng } from '../../scripts/momentum-eval/generator'

const NOW = new Date('2026-11-22T12:00:00Z')

/**
 * A deal nothing stands out about: a conversation a week (the neutral level), two contacts, on time,
 * in its stage for a week, a flat week.
 */
function deal(overrides: Partial<DealSignals> = {}): DealSignals {
  return {
    dealId: 'd1',
    ownerId: 'u1',
    name: 'Acme renewal',
    stage: 'qualified',
    stageName: 'Qualified',
    probability: 25,
    amount: 20_000,
    closeDate: '2027-01-15',
    daysToClose: 54,
    ageDays: 60,
    historyDays: 60,
    historyCoversLife: true,
    buyer14: 2,
    buyerPrior: 6,
    conversations14: 2,
    conversations30: 4,
    emailsSent30: 0,
    replies30: 0,
    buyer14Then: 2,
    buyerPriorThen: 6,
    conversations14Then: 2,
    rep7: 1,
    rep30: 4,
    rep7Then: 1,
    daysSinceTwoWay: 7,
    daysSinceTwoWayThen: 7,
    daysSinceActivity: 1,
    autoReplies30: 0,
    replyHoursRecent: null,
    replyHoursEarlier: null,
    contacts7: 0,
    contacts30: 2,
    contactsBefore: 2,
    contacts30Then: 2,
    contactsNew14: 0,
    contactsLost14: 0,
    championsLost30: 0,
    championsLost30Then: 0,
    daysInStage: 8,
    stageMedianDays: 21,
    stageSamples: 40,
    probabilityThen: null,
    closePushes: 0,
    closePushesThen: 0,
    amountCuts: 0,
    amountCutsThen: 0,
    smallDiscounts: 0,
    stageEnteredAt: '2026-11-14T12:00:00Z',
    ...overrides,
  }
}

/** Round weights for the tests (the shipped ones change whenever they are refitted). */
const W: Weights = {
  intercept: 0,
  stage: 0,
  buyer_engaging: 1,
  buyer_answers: 0,
  reply_speed: 0,
  buyer_month: 0,
  buyer_reading: 0.2,
  engagement_trend: 0.3,
  recent_two_way: 0.2,
  no_reply: -0.6,
  never_engaged: -0.8,
  multi_threaded: 0.3,
  single_threaded: -0.3,
  new_stakeholder: 0.3,
  champion_lost: -1,
  replies_slowing: -0.3,
  replies_quicker: 0.3,
  stage_slow: -0.6,
  close_pushed: -0.4,
  amount_cut: -0.8,
  close_date_passed: -0.2,
  close_soon_engaged: 0.2,
  stage_moved: 0,
  unanswered_outreach: -0.5,
}
const codes = (s: DealSignals) => predict(s, W).reasons.map(r => r.code)
/** A reason's fact, without the points it moves the chance by. */
const fact = (text: string) => text.replace(/ \(((raises|cuts) the chance by .*|does not change the chance by itself)\)$/, '')
const facts = (reasons: { text: string }[]) => reasons.map(r => fact(r.text))

describe('the win probability', () => {
  it('starts from the stage\'s probability when no signal applies', () => {
    expect(predict(deal(), W).reasons).toEqual([])
    expect(predict(deal(), W).winProbability).toBeCloseTo(0.25)
    expect(predict(deal({ stage: 'negotiation', probability: 75 }), W).winProbability).toBeCloseTo(0.75)
  })

  it('is stage-aware: the same signals give a late-stage deal a higher chance than an early one', () => {
    const signals = { conversations14: 4, buyer14: 6, daysSinceTwoWay: 1 }
    const early = predict(deal({ ...signals, stage: 'new', probability: 5 }), SHIPPED_WEIGHTS).winProbability
    const late = predict(deal({ ...signals, stage: 'negotiation', probability: 75 }), SHIPPED_WEIGHTS).winProbability
    expect(late).toBeGreaterThan(early + 0.2)
  })

  it('counts the buyer engaging, never the rep\'s own effort: a chase burst with no answer does not raise it', () => {
    const silent = { conversations14: 0, buyer14: 0, daysSinceTwoWay: 20 }
    const quiet = predict(deal(silent), W).winProbability
    const chased = predict(deal({ ...silent, rep7: 12, rep30: 20 }), W)
    expect(chased.winProbability).toBeLessThan(quiet)
    const chase = chased.reasons.find(r => r.code === 'unanswered_outreach')!
    expect(fact(chase.text)).toBe('20 outreaches in 30 days, no answer in 14 (12 this week)')
    expect(chase.points).toBeLessThan(0)
    expect(facts(chased.reasons)).toContain('no reply, inbound call or meeting with the buyer in 14 days')
    const answered = predict(deal({ conversations14: 5, buyer14: 5, daysSinceTwoWay: 1 }), W)
    expect(answered.winProbability).toBeGreaterThan(0.4)
    expect(answered.reasons[0]).toMatchObject({
      code: 'buyer_engaging',
      text: expect.stringMatching(
        /^5 replies, inbound calls and meetings with the buyer in 14 days \(raises the chance by about \d+ points\)$/,
      ),
    })
    expect(answered.reasons[0]!.points).toBeGreaterThan(10)
  })

  it('ships weights that keep each signal on its side: rep-side effort and bad news never raise the chance', () => {
    for (const code of REASON_CODES) {
      const sign = FEATURES[code].sign
      if (sign < 0) expect(SHIPPED_WEIGHTS[code], code).toBeLessThanOrEqual(0)
      if (sign > 0) expect(SHIPPED_WEIGHTS[code], code).toBeGreaterThanOrEqual(0)
    }
    expect(SHIPPED_WEIGHTS.buyer_engaging).toBeGreaterThan(0)
  })

  it('says each reason in points of the chance, the points adding up to the move from the stage', () => {
    const s = deal({ daysSinceTwoWay: 35, closePushes: 2, amountCuts: 1, championsLost30: 1 })
    const prediction = predict(s, W)
    expect(prediction.reasons.map(r => r.code).sort()).toEqual(['amount_cut', 'champion_lost', 'close_pushed', 'no_reply'])
    expect(prediction.reasons.every(r => r.points < 0 && /cuts the chance by about \d+ points?\)$/.test(r.text))).toBe(true)
    const moved = (prediction.winProbability - 0.25) * 100
    const sum = prediction.reasons.reduce((n, r) => n + r.points, 0)
    expect(Math.abs(sum - moved)).toBeLessThanOrEqual(2)
    expect(fact(prediction.reasons.find(r => r.code === 'champion_lost')!.text)).toBe('an engaged contact bounced or left')
  })

  it('says a stage move this week, which the stage\'s own probability already counts', () => {
    const moved = predict(deal({ probabilityThen: 10, daysInStage: 3 }), W)
    expect(moved.reasons).toEqual([{ code: 'stage_moved', text: 'moved to Qualified 3 days ago (from a 10 % stage to 25 %)', points: 0 }])
    expect(moved.winProbability).toBeCloseTo(0.25)
  })

  it('counts an amount cut (past 10 %) but never a routine discount', () => {
    expect(codes(deal({ smallDiscounts: 2 }))).toEqual([])
    expect(codes(deal({ amountCuts: 1 }))).toEqual(['amount_cut'])
  })

  it('blends the tenant\'s typical time in stage with the stage default by how many moves it rests on', () => {
    expect(typicalStageDays('proposal', null, 0)).toBe(21)
    expect(typicalStageDays('proposal', 60, 2)).toBeCloseTo((2 * 60 + 10 * 21) / 12)
    expect(typicalStageDays('proposal', 60, 1000)).toBeCloseTo(60, 0)
    // 22 days against 10 of three moves: typical ~18.5, not slow yet; against 10 of 300 moves, slow.
    expect(codes(deal({ daysInStage: 22, stageMedianDays: 10, stageSamples: 3 }))).toEqual([])
    expect(codes(deal({ daysInStage: 22, stageMedianDays: 10, stageSamples: 300 }))).toEqual(['stage_slow'])
  })

  it('treats a passed close date as one reason among others, not as a state', () => {
    const healthy = {
      daysToClose: -5,
      closeDate: '2026-11-17',
      conversations14: 6,
      buyer14: 6,
      conversations14Then: 6,
      buyer14Then: 6,
      buyerPrior: 18,
      buyerPriorThen: 18,
      daysSinceTwoWay: 2,
      daysSinceTwoWayThen: 2,
      contacts30: 3,
      contacts30Then: 3,
    }
    const withW = predict(deal(healthy), W).reasons.find(r => r.code === 'close_date_passed')!
    expect(withW).toMatchObject({ text: expect.stringMatching(/^close date passed 5 days ago \(cuts the chance by/) })
    // Said even where it does not move the chance; and the healthy, flat deal is not put at risk for it.
    const neutral = predict(deal(healthy), { ...W, close_date_passed: 0 }).reasons.find(r => r.code === 'close_date_passed')!
    expect(neutral).toEqual({
      code: 'close_date_passed',
      text: 'close date passed 5 days ago (does not change the chance by itself)',
      points: 0,
    })
    expect(scoreDeal(deal(healthy)).state).not.toBe('at_risk')
    expect(scoreDeal(deal(healthy)).reasons.map(r => r.code)).toContain('close_date_passed')
  })
})

describe('day one: rates over the history that exists', () => {
  const dayOne = (overrides: Partial<DealSignals>) =>
    deal({ ageDays: 14, historyDays: 14, historyCoversLife: false, daysSinceTwoWay: null, daysSinceTwoWayThen: null, ...overrides })

  it('never says "never engaged" when the history starts after the deal', () => {
    const quiet = dayOne({ conversations14: 0, buyer14: 0, buyerPrior: 0 })
    expect(codes(quiet)).not.toContain('never_engaged')
    expect(facts(predict(quiet, W).reasons)).toContain('no reply in the 14 days on record')
    // A deal the history covers from its start, with no answer in 30 days, has never engaged.
    expect(codes(deal({ daysSinceTwoWay: null, ageDays: 30, historyDays: 30 }))).toContain('never_engaged')
  })

  it('reads no engagement trend without prior weeks to compare with', () => {
    expect(codes(dayOne({ buyer14: 8, conversations14: 2, daysSinceTwoWay: 1 }))).not.toContain('engagement_trend')
    expect(codes(deal({ buyer14: 8, buyerPrior: 3, conversations14: 2, daysSinceTwoWay: 1 }))).toContain('engagement_trend')
  })
})

describe('the state: where a deal is heading', () => {
  it('keeps a healthy late-stage deal that is flat steady', () => {
    const flat = { conversations14: 4, buyer14: 6, conversations14Then: 4, buyer14Then: 6, daysSinceTwoWay: 2, daysSinceTwoWayThen: 2 }
    expect(scoreDeal(deal({ ...flat, stage: 'negotiation', probability: 75 })).state).toBe('steady')
  })

  it('calls a deal whose buyer came alive this week accelerating, and one gone quiet stalling or at risk', () => {
    const rising = deal({
      conversations14: 6,
      buyer14: 9,
      contacts30: 4,
      contactsNew14: 2,
      daysSinceTwoWay: 0,
      conversations14Then: 0,
      buyer14Then: 1,
      daysSinceTwoWayThen: 12,
      contacts30Then: 2,
    })
    expect(scoreDeal(rising).state).toBe('accelerating')
    const fading = deal({
      conversations14: 0,
      buyer14: 0,
      daysSinceTwoWay: 25,
      conversations14Then: 5,
      buyer14Then: 8,
      daysSinceTwoWayThen: 3,
      championsLost30: 1,
      rep7: 9,
      rep30: 15,
    })
    expect(['stalling', 'at_risk']).toContain(scoreDeal(fading).state)
    expect(scoreDeal(fading).score).toBeLessThan(scoreDeal(deal()).score)
  })

  it('scores the chance in points of 100, with the chance a week ago beside it', () => {
    const scored = scoreDeal(deal({ conversations14: 2, buyer14: 2, daysSinceTwoWay: 1 }))
    expect(scored.score).toBe(Math.round(scored.winProbability * 100))
    expect(scored.winProbabilityWeekAgo).toBeGreaterThan(0)
  })
})

describe('alerts only on change', () => {
  it('raises nothing for a deal scored for the first time, however bad it looks', () => {
    const s = deal({
      daysSinceTwoWay: 40,
      daysToClose: -3,
      closeDate: '2026-11-19',
      daysInStage: 90,
      stage: 'proposal',
      stageName: 'Proposal',
      probability: 50,
    })
    expect(alertsFor(s, { ...scoreDeal(s), state: 'at_risk' }, null, NOW)).toEqual([])
  })

  it('raises nothing when the deal\'s history was filled in since its last score (a tenant loading its past)', () => {
    // Scored at creation with no history; two weeks of history posted since, within the hour.
    const loaded = deal({ daysSinceTwoWay: 31, historyDays: 14, ageDays: 14, daysToClose: -2, closeDate: '2026-11-20' })
    const scored = { ...scoreDeal(loaded), state: 'at_risk' as const }
    const atCreation = {
      state: 'steady' as const,
      signals: { ...deal({ historyDays: 0, ageDays: 0 }) },
      computedAt: new Date(NOW.getTime() - 3_600_000),
    }
    expect(alertsFor(loaded, scored, atCreation, NOW)).toEqual([])
    // A week later, with a week more of history, the same change does alert.
    const weekAgo = {
      state: 'steady' as const,
      signals: { ...deal({ historyDays: 7, ageDays: 7 }) },
      computedAt: new Date(NOW.getTime() - 7 * 86_400_000),
    }
    expect(alertsFor(loaded, scored, weekAgo, NOW).map(a => a.kind)).toEqual(['at_risk', 'close_date_passed'])
    // Scores from before this model (no history fields) are a new baseline, not a change.
    expect(alertsFor(loaded, scored, { state: 'steady', signals: { score: 50 } }, NOW)).toEqual([])
  })

  it('raises at_risk on the transition only, naming the day', () => {
    const s = deal({ daysSinceTwoWay: 31 })
    const scored = { ...scoreDeal(s), state: 'at_risk' as const }
    expect(alertsFor(s, scored, { state: 'steady', signals: { ...s } }, NOW)).toEqual([
      expect.objectContaining({ kind: 'at_risk', occurrence: '2026-11-22' }),
    ])
    expect(alertsFor(s, scored, { state: 'at_risk', signals: { ...s } }, NOW)).toEqual([])
  })

  it('raises a threshold alert when the threshold is crossed since the previous run, once per occurrence', () => {
    const before = deal({ daysToClose: 1, closeDate: '2026-11-23' })
    const after = deal({ daysToClose: -1, closeDate: '2026-11-23', stage: 'proposal', stageName: 'Proposal', daysInStage: 50 })
    const steady = { ...scoreDeal(after), state: 'steady' as const }
    const kinds = alertsFor(after, steady, { state: 'steady', signals: { ...before } }, NOW).map(a => [a.kind, a.occurrence])
    expect(kinds).toEqual([['stage_overdue', 'proposal:2026-11-14'], ['close_date_passed', '2026-11-23']])
    expect(alertsFor(after, steady, { state: 'steady', signals: { ...after } }, NOW)).toEqual([])
  })
})

describe('focus and next actions', () => {
  it('suggests one next action from the strongest reason', () => {
    expect(nextAction(deal(), [{ code: 'close_date_passed' }, { code: 'no_reply' }])).toBe(
      'Confirm the new close date with the buyer, or close the deal',
    )
    expect(nextAction(deal(), [{ code: 'champion_lost' }])).toBe('Find who replaces your contact and re-introduce the deal')
    expect(nextAction(deal(), [{ code: 'stage_slow' }])).toBe('Agree the step that moves it out of Qualified')
    expect(nextAction(deal(), [])).toBe('Log the next step')
  })

  it('ranks a falling, valuable deal closing soon above a steady small one', () => {
    const urgent = focusPriority({ score: 30, change: -20, amount: 100_000, daysToClose: 7 })
    const calm = focusPriority({ score: 55, change: 0, amount: 5_000, daysToClose: 60 })
    const overdue = focusPriority({ score: 30, change: -20, amount: 100_000, daysToClose: -3 })
    expect(urgent).toBeGreaterThan(calm)
    expect(overdue).toBeGreaterThan(urgent)
  })
})

describe('per-tenant refinement and the calibration report', () => {
  /** Closed deals of a tenant where pushed close dates hurt far more than the shipped weight says. */
  const history = (n: number, seed: number): Outcome[] => {
    const r = rng(seed)
    return Array.from({ length: n }, () => {
      const talking = r.chance(0.5)
      const s = deal({
        closePushes: r.chance(0.3) ? 1 : 0,
        conversations14: talking ? 3 : 1,
        buyer14: talking ? 3 : 1,
        buyerPrior: talking ? 9 : 3,
      })
      const features = featureRecord(s)
      const z = stageLogit(25) + (features.close_pushed ? -2.5 : 0) + (talking ? 1 : 0)
      return { won: r.next() < sigmoid(z), stageProbability: 25, winProbability: predict(s, W).winProbability, features }
    })
  }

  it('keeps the shipped weights until there are enough won and lost deals', () => {
    expect(fitWeights(history(40, 1), W)).toBeNull()
    expect(MIN_WON + MIN_LOST).toBeLessThanOrEqual(150)
  })

  it('moves a weight toward the tenant\'s own evidence, shrunk toward the shipped prior', () => {
    const fitted = fitWeights(history(3000, 2), W)!
    expect(fitted.close_pushed).toBeLessThan(W.close_pushed - 0.5)
    expect(fitted.close_pushed).toBeGreaterThan(-2.5)
    const few = fitWeights(history(250, 3), W)!
    expect(few.close_pushed).toBeGreaterThan(fitted.close_pushed)
    // Signals that never applied keep their prior.
    expect(fitted.champion_lost).toBe(W.champion_lost)
    expect(Object.keys(fitted).sort()).toEqual([...WEIGHT_KEYS].sort())
  })

  it('reports the curve, the Brier score against the stage alone and the signals that matter, in words', () => {
    // Scored by the model that made the outcomes: it beats the stage alone.
    const outcomes = history(400, 4).map(o => ({
      ...o,
      winProbability: sigmoid(stageLogit(25) + (o.features.close_pushed ? -2.5 : 0) + ((o.features.buyer_engaging ?? 0) > 0 ? 1 : 0)),
    }))
    const report = calibrationReport(outcomes, { ...W, close_pushed: -2.5, buyer_engaging: 1 / Math.log1p(10.5) })
    expect(report.curve).toHaveLength(10)
    expect(report.brier.model!).toBeLessThan(report.brier.stageOnly!)
    expect(report.signals[0]!.code).toBe('close_pushed')
    expect(report.summary[0]).toMatch(/^400 closed deals were scored before they closed: \d+ won, \d+ lost\.$/)
    expect(report.summary[1]).toMatch(/^The win probability was \d+ % closer to what happened than the stage's probability alone/)
    expect(calibrationReport([], W).summary).toEqual(['No closed deal has been scored yet: the figures appear as deals close.'])
  })
})
