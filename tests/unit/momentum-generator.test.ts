import { describe, expect, it } from 'vitest'
import { generateTenant } from '../../scripts/momentum-eval/generator'

describe('the backtest generator', () => {
  const tenant = generateTenant({ seed: 5, deals: 400 })

  it('gives the same tenant for the same seed, and another for another seed', () => {
    expect(generateTenant({ seed: 5, deals: 400 })).toEqual(tenant)
    expect(generateTenant({ seed: 6, deals: 400 }).deals.map(d => d.won)).not.toEqual(tenant.deals.map(d => d.won))
  })

  it('makes healthy deals win more often than sick ones, and late stages more than early ones', () => {
    const rate = (deals: typeof tenant.deals) => deals.filter(d => d.won).length / deals.length
    const sorted = [...tenant.deals].sort((a, b) => a.health - b.health)
    expect(rate(sorted.slice(-100))).toBeGreaterThan(rate(sorted.slice(0, 100)) + 0.25)
    expect(rate(tenant.deals.filter(d => d.stage === 'negotiation'))).toBeGreaterThan(rate(tenant.deals.filter(d => d.stage === 'new')))
  })

  it('plants the confounders: chase bursts, out-of-office replies, bouncing champions, discounts and cuts, machine opens', () => {
    const all = tenant.deals.flatMap(d => d.events)
    expect(tenant.deals.filter(d => d.story.includes('rep chase burst this week')).length).toBeGreaterThan(10)
    const autoReplies = all.filter(
      e =>
        e.type === 'email_received'
        && (/out of office|automatic|abwesenheit|automatique|fuera|afwezig/i.test(String(e.metadata.subject))
          || Object.keys((e.metadata.headers ?? {}) as object).length > 0),
    )
    expect(autoReplies.length).toBeGreaterThan(20)
    expect(all.filter(e => e.type === 'email_bounced').length).toBeGreaterThan(5)
    const cuts = all.filter(e => e.type === 'deal_updated' && (e.metadata.changes as { amount?: { from: number, to: number } }).amount)
      .map(e => (e.metadata.changes as { amount: { from: number, to: number } }).amount)
    expect(cuts.some(c => c.to / c.from > 0.9)).toBe(true)
    expect(cuts.some(c => c.to / c.from < 0.85)).toBe(true)
    expect(all.filter(e => e.type === 'email_opened' && e.metadata.userAgent === 'Mozilla/5.0').length).toBeGreaterThan(100)
  })

  it('keeps only the last two weeks of events on a day-one tenant, whatever the deals\' age', () => {
    const dayOne = generateTenant({ seed: 5, deals: 100, historyDays: 14 })
    const events = dayOne.deals.flatMap(d => d.events)
    expect(events.length).toBeGreaterThan(500)
    expect(Math.max(...events.map(e => e.daysAgo))).toBeLessThan(14)
    expect(dayOne.deals.filter(d => !d.events.some(e => e.type === 'deal_created')).length).toBeGreaterThan(50)
  })
})
