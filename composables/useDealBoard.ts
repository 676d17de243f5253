import type { Ref } from 'vue'

/**
 * Moving deals on a board (Today's, the Pipeline's): the card moves at once, the server is asked,
 * and a refused move puts it back and says where the deal may go, in stage names.
 */
export function useDealBoard(columns: Ref<BoardColumn[] | null | undefined>, stages: Ref<BoardStage[] | null | undefined>) {
  const toast = useToast()
  const stageOf = (key: string) => stages.value?.find(s => s.key === key)
  const stageName = (key: string) => stageOf(key)?.name ?? key
  const allowedFrom = (key: string) => (stageOf(key)?.allowedNext ?? []).map(k => stageOf(k)).filter((s): s is BoardStage => Boolean(s))

  async function move(card: BoardCard, to: string) {
    if (card.stage === to || !columns.value) return
    const from = card.stage
    placeCard(columns.value, card, to)
    try {
      await $fetch(`/api/v1/deals/${card.id}/stage`, { method: 'POST', body: { to } })
      toast.add({ title: `${card.name} moved to ${stageName(to)}`, color: 'success' })
    }
    catch (e) {
      if (columns.value) placeCard(columns.value, card, from)
      const allowed = (e as { data?: { data?: { allowed?: string[] } } }).data?.data?.allowed
      toast.add({
        title: allowed ? `${card.name} cannot move from ${stageName(from)} to ${stageName(to)}` : errorMessage(e, 'The move was refused.'),
        description: allowed ? `From ${stageName(from)} a deal can move to: ${allowed.map(stageName).join(', ') || 'nowhere'}.` : undefined,
        color: 'error',
      })
    }
  }

  /**
   * Re-reads one deal and updates its card alone (a live change, a move, a new deal); a deal
   * that is gone, or that `keep` leaves out, leaves the board.
   */
  async function refreshCard(id: string, keep: (deal: DealRow) => boolean = () => true) {
    let deal: DealRow
    try {
      deal = await $fetch<DealRow>(`/api/v1/deals/${id}`)
    }
    catch {
      if (columns.value) removeCard(columns.value, id)
      return
    }
    if (!columns.value) return
    const existing = findCard(columns.value, id)
    if (!keep(deal)) {
      removeCard(columns.value, id)
      return
    }
    const card = cardOfDeal(deal)
    if (existing && existing.card.stage === card.stage) {
      existing.column.value += card.amount - existing.card.amount
      Object.assign(existing.card, card)
    }
    else {
      if (existing) removeCard(columns.value, id) // with its old amount, before it changes
      placeCard(columns.value, existing ? Object.assign(existing.card, card) : card, card.stage)
    }
  }

  return { stageOf, stageName, allowedFrom, move, refreshCard }
}
