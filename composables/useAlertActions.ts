/**
 * Snoozing and dismissing an alert on Today, each with an Undo in its toast. `list` takes the
 * alert off the screen (answering where it was) and puts it back there on undo or failure.
 */
export function useAlertActions(list: { hide: (alert: TodayAlert) => number, show: (alert: TodayAlert, at: number) => void }) {
  const toast = useToast()

  /** Asks the server; the alert leaves at once and comes back if the server refuses. */
  async function act(alert: TodayAlert, request: () => Promise<unknown>, failure: string) {
    const at = list.hide(alert)
    try {
      await request()
      return at
    }
    catch (e) {
      list.show(alert, at)
      toast.add({ title: errorMessage(e, failure), color: 'error' })
      return null
    }
  }

  /** The toast's Undo: asks the server to undo, and the alert is back where it was. */
  const undo = (alert: TodayAlert, at: number, request: () => Promise<unknown>, failure: string) => ({
    label: 'Undo',
    color: 'neutral' as const,
    variant: 'outline' as const,
    onClick: async () => {
      try {
        await request()
        list.show(alert, at)
      }
      catch (e) {
        toast.add({ title: errorMessage(e, failure), color: 'error' })
      }
    },
  })

  async function snooze(alert: TodayAlert, until: Date) {
    const at = await act(
      alert,
      () => $fetch(`/api/v1/alerts/${alert.id}/snooze`, { method: 'POST', body: { until: until.toISOString() } }),
      'Could not snooze the alert.',
    )
    if (at === null) return
    toast.add({
      title: `Snoozed until ${formatWake(until)}`,
      description: alert.deal.name,
      icon: 'i-lucide-bell-off',
      actions: [undo(alert, at, () => $fetch(`/api/v1/alerts/${alert.id}/snooze`, { method: 'POST', body: { until: null } }),
        'Could not bring the alert back.')],
    })
  }

  async function dismiss(alert: TodayAlert) {
    const at = await act(alert, () => $fetch(`/api/v1/alerts/${alert.id}/dismiss`, { method: 'POST' }), 'Could not dismiss the alert.')
    if (at === null) return
    toast.add({
      title: 'Alert dismissed',
      description: alert.deal.name,
      icon: 'i-lucide-x',
      actions: [undo(alert, at, () => $fetch(`/api/v1/alerts/${alert.id}/restore`, { method: 'POST' }), 'Could not restore the alert.')],
    })
  }

  return { snooze, dismiss }
}
