/** Names people read for the keys the API stores (lead sources, snake_case enums). */

/** The lead sources the app offers; a lead's source may be any other key too (imports, the API). */
export const LEAD_SOURCES = ['inbound', 'website', 'referral', 'event', 'partner', 'outbound', 'import', 'other'] as const

export const LEAD_SOURCE_LABELS: Record<(typeof LEAD_SOURCES)[number], string> = {
  inbound: 'Inbound',
  website: 'Website',
  referral: 'Referral',
  event: 'Event',
  partner: 'Partner',
  outbound: 'Outbound',
  import: 'Import',
  other: 'Other',
}

/** A stored key as words: `no_answer` -> `No answer`, `closed-won` -> `Closed won`; '' stays ''. */
export function humanize(key: string | null | undefined): string {
  if (!key) return ''
  const words = key.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim().toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** A lead source's name: the known ones by their label, any other key humanized. */
export function sourceLabel(source: string | null | undefined): string {
  if (!source) return ''
  return (LEAD_SOURCE_LABELS as Record<string, string>)[source] ?? humanize(source)
}
