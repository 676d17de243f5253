/** What a lead's score is computed from. */
export interface LeadSignals {
  source: string
  email?: string | null
  company?: string | null
  title?: string | null
  engagement?: { emailsOpened?: number, pagesViewed?: number, meetingRequested?: boolean }
}

/** Points per lead source (anything else: `other`). */
export const SOURCE_POINTS: Record<string, number> = {
  referral: 25,
  inbound: 20,
  website: 20,
  event: 15,
  partner: 15,
  outbound: 5,
  import: 5,
  other: 10,
}
const FREE_MAIL = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'hotmail.com',
  'outlook.com',
  'live.com',
  'icloud.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.net',
  'web.de',
])
const SENIOR = /\b(chief|c[eftoi]o|vp|vice president|head|director|founder|owner|president|partner)\b/i

/**
 * A transparent 0-100 lead score with its reasons in words: source, fit (business email, senior
 * title, a company) and engagement. Pure; the points are the tables above.
 */
export function scoreLead(lead: LeadSignals): { score: number, reasons: string[] } {
  const parts: [number, string][] = []
  const source = lead.source.toLowerCase()
  parts.push([SOURCE_POINTS[source] ?? SOURCE_POINTS.other!, `${source} source`])
  const domain = lead.email?.split('@')[1]?.toLowerCase()
  if (domain && !FREE_MAIL.has(domain)) parts.push([15, 'business email'])
  if (lead.title && SENIOR.test(lead.title)) parts.push([20, `senior title (${lead.title})`])
  if (lead.company?.trim()) parts.push([10, 'company named'])
  const e = lead.engagement ?? {}
  if (e.meetingRequested) parts.push([20, 'asked for a meeting'])
  if ((e.pagesViewed ?? 0) >= 3) parts.push([10, `viewed ${e.pagesViewed} pages`])
  if ((e.emailsOpened ?? 0) >= 1) parts.push([5, `opened ${e.emailsOpened} email${e.emailsOpened === 1 ? '' : 's'}`])
  const score = Math.min(100, parts.reduce((sum, [points]) => sum + points, 0))
  return { score, reasons: parts.sort((a, b) => b[0] - a[0]).map(([points, why]) => `${why} (+${points})`) }
}
