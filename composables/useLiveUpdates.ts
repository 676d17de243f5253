import type { Ref } from 'vue'

// LIVE_TOPICS and LiveTopic: shared/utils/live.ts (auto-imported on both sides of the wire).

export interface LiveHandlers {
  /** A message from GET /api/v1/stream: topic and its data. */
  onMessage: (topic: LiveTopic, data: Record<string, unknown>) => void
  /** The stream came back after a drop: refetch to catch up on what was missed. */
  onReconnect?: () => void
}

/** The one stream of this browser tab, shared by every component that listens. */
interface Stream { source: EventSource, listeners: Set<LiveHandlers>, connected: Ref<boolean>, dropped: boolean }
let stream: Stream | null = null

function open(): Stream {
  if (stream) return stream
  const s: Stream = { source: new EventSource('/api/v1/stream'), listeners: new Set(), connected: ref(false), dropped: false }
  // EventSource reconnects by itself after a drop; the first `ready` after an error means we are back.
  s.source.addEventListener('ready', () => {
    s.connected.value = true
    if (s.dropped) for (const l of s.listeners) l.onReconnect?.()
    s.dropped = false
  })
  s.source.addEventListener('error', () => {
    s.connected.value = false
    s.dropped = true
  })
  for (const topic of LIVE_TOPICS) {
    s.source.addEventListener(topic, (message) => {
      let data: Record<string, unknown>
      try {
        data = JSON.parse((message as MessageEvent<string>).data)
      }
      catch {
        return // a malformed message is skipped
      }
      for (const l of s.listeners) l.onMessage(topic, data)
    })
  }
  stream = s
  return s
}

/**
 * Listens to the live stream while the component is mounted (browser only). Every listener in
 * the tab shares one EventSource (a connection each would soon hit the browser's per-host limit);
 * it closes when the last listener goes.
 */
export function useLiveUpdates(handlers: LiveHandlers) {
  const connected = ref(false)
  let unwatch: (() => void) | undefined
  onMounted(() => {
    const s = open()
    s.listeners.add(handlers)
    unwatch = watch(s.connected, (value) => {
      connected.value = value
    }, { immediate: true })
  })
  onBeforeUnmount(() => {
    unwatch?.()
    if (!stream) return
    stream.listeners.delete(handlers)
    if (stream.listeners.size === 0) {
      stream.source.close()
      stream = null
    }
  })
  return { connected }
}
