import type { MomentumStateName } from './momentum'
import type { BoardCard } from '../shared/types/board'

/** One stage of the board: its deals (maybe only the first ones) and the totals of all of them. */
export interface BoardColumn {
  stage: string
  name: string
  kind: string
  count: number
  value: number
  cards: BoardCard[]
}

export interface BoardStage {
  key: string
  name: string
  kind: string
  allowedNext: string[]
}

/** A deal as `GET /api/v1/deals` (and `/deals/:id`) answers it. */
export interface DealRow {
  id: string
  name: string
  stage: string
  amount: string
  currency: string
  closeDate: string | null
  ownerId: string
  ownerName: string | null
  accountId: string | null
  accountName: string | null
  probability: number | null
  forecastCategory: string | null
  source: string
  product: string | null
  tags: string[]
  custom: Record<string, unknown>
  createdAt: string
  updatedAt: string
  momentum: {
    score: number | null
    winProbability: number | null
    state: MomentumStateName | null
    change: number | null
    reason: string | null
  } | null
}

/** The board's card of a deal. Pure. */
export function cardOfDeal(
  deal: Pick<DealRow, 'id' | 'name' | 'stage' | 'amount' | 'currency' | 'closeDate' | 'ownerId' | 'ownerName' | 'accountName' | 'momentum'>,
): BoardCard {
  return {
    id: deal.id,
    name: deal.name,
    stage: deal.stage,
    amount: Number(deal.amount),
    currency: deal.currency,
    closeDate: deal.closeDate,
    ownerId: deal.ownerId,
    ownerName: deal.ownerName,
    accountName: deal.accountName,
    score: deal.momentum?.score ?? null,
    winProbability: deal.momentum?.winProbability ?? null,
    state: deal.momentum?.state ?? null,
    change: deal.momentum?.change ?? null,
    reason: deal.momentum?.reason ?? null,
  }
}

/** The board of a list of deals: one column per stage in pipeline order, totals counted. Pure. */
export function columnsOf(stages: readonly BoardStage[], deals: readonly DealRow[]): BoardColumn[] {
  return stages.map((stage) => {
    const cards = deals.filter(d => d.stage === stage.key).map(cardOfDeal)
    return {
      stage: stage.key,
      name: stage.name,
      kind: stage.kind,
      count: cards.length,
      value: cards.reduce((sum, c) => sum + c.amount, 0),
      cards,
    }
  })
}

export function findCard(columns: readonly BoardColumn[], id: string) {
  for (const column of columns) {
    const card = column.cards.find(c => c.id === id)
    if (card) return { column, card }
  }
  return null
}

/** Takes a card off the board; the column's totals follow. */
export function removeCard(columns: readonly BoardColumn[], id: string) {
  const found = findCard(columns, id)
  if (!found) return null
  found.column.cards.splice(found.column.cards.indexOf(found.card), 1)
  found.column.count--
  found.column.value -= found.card.amount
  return found.card
}

/** Puts a card at the top of a stage's column (taking it from where it was); the totals follow. */
export function placeCard(columns: readonly BoardColumn[], card: BoardCard, to: string) {
  removeCard(columns, card.id)
  const column = columns.find(c => c.stage === to)
  if (!column) return
  card.stage = to
  column.cards.unshift(card)
  column.count++
  column.value += card.amount
}

/** A date as people read it: `Mar 31, 2027` (YYYY-MM-DD taken as a calendar day, not a UTC instant). */
export function formatDay(day: string | null | undefined) {
  if (!day) return ''
  const [y, m, d] = day.slice(0, 10).split('-').map(Number)
  if (!y || !m || !d) return day
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' })
}
