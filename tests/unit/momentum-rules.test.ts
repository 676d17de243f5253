import { describe, expect, it } from 'vitest'
import { calibrationBands, fitWeights, type Outcome } from '../../server/domain/momentum/calibration'
import { alertsFor, firedRules, focusPriority, nextAction, scoreDeal, WEIGHTS } from '../../server/domain/momentum/rules'
import type { DealSignals } from '../../server/domain/momentum/signals'

const NOW = new Date('2026-11-22T12:00:00Z')

/** A deal that nothing stands out about: steady activity, a recent reply, two contacts, on time. */
function deal(overrides: Partial<DealSignals> = {}): DealSignals {
  return {
    dealId: 'd1', ownerId: 'u1', name: 'Acme renewal', stage: 'qualified', stageName: 'Qualified', probability: 25, amount: 20_000,
    closeDate: '2027-01-15', daysToClose: 54, ageDays: 40, recent7: 4, prior28: 16, daysSinceTwoWay: 5, daysSinceActivity: 1,
    inbound30: 3, outbound30: 6, replyHoursRecent: null, replyHoursEarlier: null, contacts7: 2, contacts30: 2, contactsBefore: 2,
    contactsLost14: 0, daysInStage: 8, typicalStageDays: 14, typicalFromHistory: true, closePushes: 0, amountCuts: 0,
    stageEnteredAt: '2026-11-14T12:00:00Z', ...overrides,
  }
}
const codes = (s: DealSignals) => scoreDeal(s).reasons.map(r => r.code)

describe('momentum rules', () => {
  it('keeps an unremarkable deal steady at the base score', () => {
    expect(scoreDeal(deal())).toEqual({ score: 50, state: 'steady', reasons: [] })
  })

  it('calls a deal accelerating when activity jumps, the buyer answers and three stakeholders engage', () => {
    const scored = scoreDeal(deal({ recent7: 12, prior28: 8, daysSinceTwoWay: 1, contacts7: 3, contacts30: 3 }))
    expect(scored.state).toBe('accelerating')
    expect(scored.score).toBe(50 + 15 + 10 + 10)
    expect(scored.reasons.map(r => r.text)).toEqual([
      'activity up 6.0x this week (12 vs 2.0 a week)',
      '3 stakeholders engaged this week',
      'the buyer engaged 1 day ago',
    ])
  })

  it('puts a deal that went quiet at risk: no reply in 12 days, then 31, with outreach unanswered', () => {
    const quiet = scoreDeal(deal({ recent7: 0, prior28: 12, daysSinceTwoWay: 16, inbound30: 0, outbound30: 6 }))
    expect(quiet.reasons.map(r => r.text)).toEqual(['no reply in 16 days', '6 outreaches, no response in 30 days', 'activity down to 0 this week from 3.0 a week'])
    expect(quiet).toMatchObject({ score: 50 - 15 - 12 - 10, state: 'at_risk' })
    const silent = scoreDeal(deal({ daysSinceTwoWay: 31 }))
    expect(silent.state).toBe('at_risk')
    expect(silent.reasons[0]).toEqual({ code: 'long_silence', text: 'no reply in 31 days', points: -25 })
  })

  it('counts close-date pushes: once is a warning, twice a reason of its own', () => {
    expect(scoreDeal(deal({ closePushes: 1 })).reasons).toEqual([{ code: 'close_pushed_once', text: 'close date pushed once', points: -6 }])
    expect(scoreDeal(deal({ closePushes: 2 }))).toMatchObject({ score: 35, state: 'stalling', reasons: [{ text: 'close date pushed twice' }] })
    const cut = scoreDeal(deal({ closePushes: 2, amountCuts: 1 }))
    expect(cut.reasons.map(r => r.text)).toEqual(['close date pushed twice', 'amount cut'])
    expect(cut).toMatchObject({ score: 50 - 15 - 8, state: 'at_risk' })
  })

  it('flags a single-threaded deal, but not a young one', () => {
    expect(codes(deal({ contacts7: 1, contacts30: 1 }))).toEqual(['single_threaded'])
    expect(firedRules(deal({ contacts7: 1, contacts30: 1, ageDays: 10 }))).toEqual([])
  })

  it('marks a deal over twice its stage\'s typical time as stalling, naming both numbers', () => {
    const scored = scoreDeal(deal({ daysInStage: 30, typicalStageDays: 12 }))
    expect(scored.reasons).toEqual([{ code: 'stage_overdue', text: '30 days in Qualified (typical 12)', points: -15 }])
    expect(scored.state).toBe('stalling')
    expect(codes(deal({ daysInStage: 16, typicalStageDays: 12 }))).toEqual(['stage_slow'])
  })

  it('puts an overdue deal (close date passed) at risk whatever its score', () => {
    const scored = scoreDeal(deal({ daysToClose: -5, closeDate: '2026-11-17', recent7: 12, prior28: 8, contacts7: 3 }))
    expect(scored.state).toBe('at_risk')
    expect(scored.reasons.map(r => r.text)).toContain('close date passed 5 days ago')
  })

  it('reads the reply-latency trend only when both windows have numbers', () => {
    expect(codes(deal({ replyHoursRecent: 60, replyHoursEarlier: 20 }))).toEqual(['replies_slowing'])
    expect(codes(deal({ replyHoursRecent: 5, replyHoursEarlier: 20 }))).toEqual(['replies_quicker'])
    expect(codes(deal({ replyHoursRecent: 60, replyHoursEarlier: null }))).toEqual([])
  })

  it('applies the weights it is given (a calibrated tenant) and clamps the score to 0-100', () => {
    const weights = { ...WEIGHTS, close_pushed_often: -40 }
    expect(scoreDeal(deal({ closePushes: 3 }), weights)).toMatchObject({ score: 10, reasons: [{ text: 'close date pushed 3 times', points: -40 }] })
    expect(scoreDeal(deal({ daysSinceTwoWay: 40, recent7: 0, prior28: 40, inbound30: 0, outbound30: 9, daysInStage: 90, closePushes: 4, amountCuts: 2, daysToClose: -30, contacts30: 0, contacts7: 0 })).score).toBe(0)
  })
})

describe('alerts from a new score', () => {
  it('raises at_risk only when a deal newly turns at risk, and names the occurrence by day', () => {
    const s = deal({ daysSinceTwoWay: 31 })
    const scored = scoreDeal(s)
    expect(alertsFor(s, scored, { state: 'steady' }, NOW)).toEqual([{ kind: 'at_risk', occurrence: '2026-11-22', message: 'Acme renewal is at risk: no reply in 31 days' }])
    expect(alertsFor(s, scored, { state: 'at_risk' }, NOW)).toEqual([])
  })

  it('raises stage overdue, quiet after proposal and close date passed once per stage entry or date', () => {
    const s = deal({ stage: 'proposal', stageName: 'Proposal', probability: 50, daysInStage: 30, typicalStageDays: 10, daysSinceTwoWay: 12, daysToClose: -2, closeDate: '2026-11-20' })
    const kinds = alertsFor(s, scoreDeal(s), { state: 'at_risk' }, NOW).map(a => [a.kind, a.occurrence])
    expect(kinds).toEqual([['stage_overdue', 'proposal:2026-11-14'], ['quiet_after_proposal', 'proposal:2026-11-14'], ['close_date_passed', '2026-11-20']])
  })

  it('notices a deal losing its only engaged contact', () => {
    const s = deal({ contactsBefore: 1, contacts7: 0, contacts30: 1, contactsLost14: 1 })
    expect(alertsFor(s, scoreDeal(s), { state: 'steady' }, NOW).map(a => a.kind)).toContain('lost_only_contact')
  })
})

describe('focus and next actions', () => {
  it('suggests one next action from the strongest reason', () => {
    expect(nextAction(deal(), [{ code: 'close_date_passed' }, { code: 'no_reply' }])).toBe('Confirm the new close date with the buyer, or close the deal')
    expect(nextAction(deal(), [{ code: 'stage_overdue' }])).toBe('Agree the step that moves it out of Qualified')
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

describe('calibration', () => {
  const outcomes = (n: number, won: boolean, score: number, codes: string[] = []): Outcome[] => Array.from({ length: n }, () => ({ score, won, codes }))

  it('counts closed deals and the share won per score band', () => {
    const bands = calibrationBands([...outcomes(3, true, 85), ...outcomes(1, false, 85), ...outcomes(4, false, 10)])
    expect(bands.find(b => b.band === '80-100')).toMatchObject({ deals: 4, won: 3, winRate: 0.75 })
    expect(bands.find(b => b.band === '0-19')).toMatchObject({ deals: 4, won: 0, winRate: 0 })
    expect(bands.find(b => b.band === '40-59')).toMatchObject({ deals: 0, winRate: null })
  })

  it('keeps the rule weights until there are 100 won and 100 lost deals', () => {
    expect(fitWeights([...outcomes(99, true, 60), ...outcomes(150, false, 30)])).toBeNull()
  })

  it('moves a weight towards the tenant\'s own evidence, with the rule weight as the prior', () => {
    // Pushed deals here never win: the push weight grows more negative; unfired rules keep their prior.
    const history = [...outcomes(150, true, 60), ...outcomes(100, false, 40), ...outcomes(50, false, 20, ['close_pushed_often'])]
    const fitted = fitWeights(history)!
    expect(fitted.close_pushed_often).toBeLessThan(WEIGHTS.close_pushed_often)
    expect(fitted.activity_up).toBe(WEIGHTS.activity_up)
  })
})
