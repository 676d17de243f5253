import { formatDateTime } from './format'

/** When a session was last seen, in words: `just now`, `5 minutes ago`, `3 hours ago`, else the time. Pure. */
export function lastSeenInWords(at: string | number | Date | null | undefined, now: number): string {
  if (at === null || at === undefined || at === '') return 'never'
  const time = new Date(at).getTime()
  if (Number.isNaN(time)) return String(at)
  const minutes = Math.floor((now - time) / 60_000)
  if (minutes < 2) return 'just now'
  if (minutes < 60) return `${minutes} minutes ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return hours === 1 ? '1 hour ago' : `${hours} hours ago`
  return formatDateTime(at)
}
