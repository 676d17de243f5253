export interface LiveHandlers {
  /** A message from GET /api/v1/stream: topic and its data. */
  onMessage: (topic: 'event.created' | 'deal.score' | 'alert.created' | 'deal.updated', data: Record<string, unknown>) => void
  /** The stream came back after a drop: refetch to catch up on what was missed. */
  onReconnect: () => void
}

/**
 * Listens to the live stream while the component is mounted (browser only). EventSource
 * reconnects by itself after a drop; the first `ready` after an error means we are back.
 */
export function useLiveUpdates(handlers: LiveHandlers) {
  const connected = ref(false)
  let source: EventSource | null = null
  let dropped = false
  onMounted(() => {
    source = new EventSource('/api/v1/stream')
    source.addEventListener('ready', () => {
      connected.value = true
      if (dropped) handlers.onReconnect()
      dropped = false
    })
    source.addEventListener('error', () => {
      connected.value = false
      dropped = true
    })
    for (const topic of ['event.created', 'deal.score', 'alert.created', 'deal.updated'] as const) {
      source.addEventListener(topic, (message) => {
        try {
          handlers.onMessage(topic, JSON.parse((message as MessageEvent<string>).data))
        }
        catch { /* a malformed message is skipped */ }
      })
    }
  })
  onBeforeUnmount(() => source?.close())
  return { connected }
}
