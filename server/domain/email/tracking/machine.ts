import type { EmailEvent } from './normalize'

/**
 * Machine opens and clicks: Apple Mail Privacy Protection fetches every message's pixel through
 * Apple's proxies, and security scanners open every message and follow every link. Such events
 * are stored (flagged) but kept out of momentum scoring. Pure.
 */

/** An open this soon after delivery was not a person reading. */
export const OPEN_AFTER_DELIVERY_SECONDS = 10
/** Clicks on different links this close together are a scanner following every link. */
export const CLICK_BURST_SECONDS = 3

const SCANNER_AGENT = new RegExp(
  '(barracuda|mimecast|proofpoint|safelinks|microsoft office protection|symantec|trendmicro|forcepoint|fortinet|sophos|zscaler'
  + '|messagelabs|bot\\b|crawler|spider|scanner|python-requests|curl/|go-http-client|headlesschrome)',
  'i',
)

/** Apple's proxy announces itself as a bare "Mozilla/5.0"; its addresses are in 17.0.0.0/8. */
function applePrivacyProxy(e: EmailEvent) {
  return e.userAgent?.trim() === 'Mozilla/5.0' || (e.ip ? /^17\./.test(e.ip) : false) || /apple.*privacy|mpp/i.test(e.client ?? '')
}

export interface MessageState { deliveredAt: Date | null, lastClickAt: Date | null, lastClickUrl: string | null }

/** Why an open or click looks automated, or null when it looks like a person. */
export function machineReason(e: EmailEvent, message: MessageState | null, sameBatchClicks: readonly EmailEvent[] = []): string | null {
  if (e.type !== 'email_opened' && e.type !== 'email_clicked') return null
  if (e.type === 'email_opened' && applePrivacyProxy(e)) return 'apple_privacy_proxy'
  if (e.userAgent && SCANNER_AGENT.test(e.userAgent)) return 'security_scanner'
  if (
    e.type === 'email_opened'
    && message?.deliveredAt
    && Math.abs(e.at.getTime() - message.deliveredAt.getTime()) <= OPEN_AFTER_DELIVERY_SECONDS * 1000
  ) {
    return 'opened_on_delivery'
  }
  if (e.type === 'email_clicked') {
    const near = (at: Date) => Math.abs(at.getTime() - e.at.getTime()) <= CLICK_BURST_SECONDS * 1000
    if (message?.lastClickAt && message.lastClickUrl !== e.url && near(message.lastClickAt)) return 'clicked_every_link'
    const burst = sameBatchClicks.filter(c => c !== e && c.providerMessageId === e.providerMessageId && c.url !== e.url && near(c.at))
    if (burst.length >= 1) return 'clicked_every_link'
  }
  return null
}

/**
 * An open or click posted as an event (the ingestion API, imports) flagged as machine-made when
 * its user agent or address says so (`machine: true`, `machineReason`), as the provider webhooks
 * do. Without message history only the agent and address rules apply. Pure.
 */
export function flagMachine(type: string, at: Date, metadata: Record<string, unknown>): Record<string, unknown> {
  if ((type !== 'email_opened' && type !== 'email_clicked') || metadata.machine !== undefined) return metadata
  const text = (v: unknown) => (typeof v === 'string' ? v : null)
  const reason = machineReason({
    eventId: '', type, at, recipient: null, providerMessageId: null, messageId: null,
    userAgent: text(metadata.userAgent), ip: text(metadata.ip), url: text(metadata.url), client: text(metadata.client),
  }, null)
  return reason ? { ...metadata, machine: true, machineReason: reason } : metadata
}
