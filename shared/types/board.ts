/** A deal on the board, as the dashboard answers it and Today's and the Pipeline's boards show it. */
export interface BoardCard {
  id: string
  name: string
  stage: string
  amount: number
  currency: string
  closeDate: string | null
  ownerId: string
  ownerName: string | null
  accountName: string | null
  score: number | null
  /** The chance of winning, 0..1, of an open scored deal (null until scored, and for closed deals). */
  winProbability: number | null
  /** accelerating, steady, stalling or at_risk (null until scored). */
  state: 'accelerating' | 'steady' | 'stalling' | 'at_risk' | null
  change: number | null
  reason: string | null
}
