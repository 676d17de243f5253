/**
 * The topics of the live stream (`GET /api/v1/stream`): what the server sends to a screen and
 * the browser listens for, listed once for both. Every other bus topic is for the server's caches.
 */
export const LIVE_TOPICS = ['event.created', 'deal.score', 'alert.created', 'alert.closed', 'deal.updated', 'notification.created'] as const
export type LiveTopic = typeof LIVE_TOPICS[number]

/** Whether a bus topic is one the live stream sends. Pure. */
export const isLiveTopic = (topic: string): topic is LiveTopic => (LIVE_TOPICS as readonly string[]).includes(topic)
