import { describe, expect, it } from 'vitest'
import { filtersOfQuery } from '../../composables/useDealFilters'
import { columnsOf, findCard, formatDay, placeCard, removeCard, type BoardStage, type DealRow } from '../../utils/board'
import { dealsCsv, refusalText } from '../../utils/dealTable'

const STAGES: BoardStage[] = [
  { key: 'new', name: 'New', kind: 'open', allowedNext: ['contacted', 'lost'] },
  { key: 'contacted', name: 'Contacted', kind: 'open', allowedNext: ['won', 'lost'] },
  { key: 'won', name: 'Won', kind: 'won', allowedNext: [] },
  { key: 'lost', name: 'Lost', kind: 'lost', allowedNext: ['new'] },
]
const stageName = (key: string) => STAGES.find(s => s.key === key)?.name ?? key

function deal(id: string, stage: string, amount: number, extra: Partial<DealRow> = {}): DealRow {
  return {
    id,
    name: `Deal ${id}`,
    stage,
    amount: String(amount),
    currency: 'USD',
    closeDate: '2027-03-31',
    ownerId: 'o1',
    ownerName: 'Riley Chen',
    accountId: null,
    accountName: 'Acme',
    probability: null,
    forecastCategory: null,
    source: 'direct',
    product: null,
    tags: [],
    custom: {},
    createdAt: '2026-12-01T10:00:00Z',
    updatedAt: '2026-12-01T10:00:00Z',
    momentum: { score: 60, winProbability: 0.6, state: 'steady', change: 2, reason: 'activity up' },
    ...extra,
  }
}

describe('the board', () => {
  it('groups deals by stage in pipeline order with their counts and totals', () => {
    const columns = columnsOf(STAGES, [deal('a', 'new', 100), deal('b', 'contacted', 250), deal('c', 'new', 50)])
    expect(columns.map(c => [c.stage, c.name, c.count, c.value, c.cards.map(x => x.id)])).toEqual([
      ['new', 'New', 2, 150, ['a', 'c']], ['contacted', 'Contacted', 1, 250, ['b']], ['won', 'Won', 0, 0, []], ['lost', 'Lost', 0, 0, []],
    ])
    expect(columns[0]!.cards[0]).toMatchObject({ amount: 100, state: 'steady', score: 60, winProbability: 0.6, reason: 'activity up' })
    expect(columnsOf(STAGES, [deal('d', 'new', 1, { momentum: null })])[0]!.cards[0]!.winProbability).toBeNull()
  })

  it('moves a card to the top of another column, the totals of both following, and takes one off', () => {
    const columns = columnsOf(STAGES, [deal('a', 'new', 100), deal('b', 'contacted', 250)])
    placeCard(columns, findCard(columns, 'a')!.card, 'contacted')
    expect(columns.map(c => [c.count, c.value])).toEqual([[0, 0], [2, 350], [0, 0], [0, 0]])
    expect(columns[1]!.cards.map(c => [c.id, c.stage])).toEqual([['a', 'contacted'], ['b', 'contacted']])
    expect(removeCard(columns, 'b')?.id).toBe('b')
    expect(columns[1]).toMatchObject({ count: 1, value: 100 })
    expect(removeCard(columns, 'missing')).toBeNull()
  })

  it('formats calendar days as people read them, whatever the time zone', () => {
    expect(formatDay('2027-03-31')).toBe('Mar 31, 2027')
    expect(formatDay('2026-12-01T23:30:00Z')).toBe('Dec 1, 2026')
    expect(formatDay(null)).toBe('')
  })
})

describe('the deal table', () => {
  it('exports the rows in view with the columns shown, as people read them, formulas defused', () => {
    const csv = dealsCsv(
      [deal('a', 'contacted', 48000.5, { name: '=HYPERLINK("x")', tags: ['q4', 'emea'] })],
      ['name', 'stage', 'amount', 'closeDate', 'tags'],
      stageName,
    )
    expect(csv).toBe('Deal,Stage,Amount,Close date,Tags\r\n"\'=HYPERLINK(""x"")",Contacted,"$48,001","Mar 31, 2027","q4, emea"\r\n')
  })

  it('says in words why a bulk row was refused, with stage names', () => {
    expect(refusalText({ id: 'a', reason: 'stage move not allowed', allowed: ['contacted', 'lost'] }, 'Acme pilot', stageName))
      .toBe('Acme pilot: its stage does not allow that move; from here it can go to Contacted or Lost.')
    expect(refusalText({ id: 'b', reason: 'not found' }, undefined, stageName)).toBe(
      'A deal you cannot see: not found (deleted, or not yours to change).',
    )
    expect(refusalText({ id: 'c', reason: 'to: no stage x in this pipeline' }, 'Beta', stageName)).toBe(
      'Beta: to: no stage x in this pipeline.',
    )
  })

  it('reads the filters from the URL query, dropping unknown keys and empty values', () => {
    expect(filtersOfQuery({ stage: 'won', tags: ' q4 ', ownerId: '', view: 'x', closeFrom: ['2027-01-01', '2027-02-01'] }))
      .toEqual({ stage: 'won', tags: 'q4', closeFrom: '2027-01-01' })
  })
})
