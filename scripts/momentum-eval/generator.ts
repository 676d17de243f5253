/**
 * Generated tenants with known outcomes, for the momentum backtest (npm run eval:momentum). Pure
 * and seeded: the same seed gives the same tenant.
 *
 * The hidden outcome model: each deal has a latent health that drifts (flat, decaying or
 * improving over the last four weeks). Health drives how much the buyer engages (replies, how
 * fast, meetings held, inbound calls, opens and clicks, stakeholders joining), how long the deal
 * sits in its stage, and — with the stage — whether it is won. The confounders the engine must
 * see through: reps chasing dying deals in bursts, out-of-office auto-replies (headers and
 * subjects in several languages), champions whose mail starts bouncing, routine small discounts
 * beside real cuts, machine opens (Apple's proxy, scanners), close dates left to pass on healthy
 * deals, and noise. A "day one" tenant keeps only the last two weeks of events.
 */

export const STAGES = [
  { key: 'new', probability: 5, typicalDays: 10 },
  { key: 'contacted', probability: 10, typicalDays: 14 },
  { key: 'qualified', probability: 25, typicalDays: 21 },
  { key: 'proposal', probability: 50, typicalDays: 18 },
  { key: 'negotiation', probability: 75, typicalDays: 14 },
] as const

export type GenEventType
  = | 'call'
    | 'meeting_scheduled'
    | 'meeting_held'
    | 'note'
    | 'email_sent'
    | 'email_received'
    | 'email_opened'
    | 'email_clicked'
    | 'email_bounced'
    | 'stage_changed'
    | 'deal_created'
    | 'deal_updated'

export interface GenEvent {
  type: GenEventType
  /** Days before "now" (fractional). */
  daysAgo: number
  /** Who did it: the deal's rep, or one of its contacts (by index). */
  by: 'rep' | 'buyer'
  contact: number | null
  metadata: Record<string, unknown>
}

export interface GenDeal {
  index: number
  name: string
  account: number
  stage: string
  amount: number
  /** Days from now to the close date (negative: passed). */
  closeInDays: number
  contacts: number
  rep: number
  /** The hidden truth. */
  won: boolean
  health: number
  trend: number
  /** What happened to the deal, in words (the eval prints it beside the engine's reasons). */
  story: string[]
  events: GenEvent[]
}

export interface GenTenant { seed: number, historyDays: number, reps: number, accounts: number, deals: GenDeal[] }

/** mulberry32: a small seeded generator. */
export function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  const poisson = (mean: number) => {
    const limit = Math.exp(-mean)
    let k = 0
    let p = next()
    while (p > limit) {
      k++
      p *= next()
    }
    return k
  }
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!
  return { next, normal, poisson, pick, chance: (p: number) => next() < p, between: (lo: number, hi: number) => lo + next() * (hi - lo) }
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))
const logit = (p: number) => Math.log(p / (1 - p))

const OUT_OF_OFFICE: readonly { subject: string, headers: Record<string, string> }[] = [
  { subject: 'Out of Office: Re: our proposal', headers: { 'Auto-Submitted': 'auto-replied' } },
  { subject: 'Automatic reply: next steps', headers: { 'X-Auto-Response-Suppress': 'All' } },
  { subject: 'Abwesenheitsnotiz: Re: Angebot', headers: {} },
  { subject: 'Réponse automatique : suivi', headers: { 'X-Autoreply': 'yes' } },
  { subject: 'Fuera de la oficina: Re: propuesta', headers: {} },
  { subject: 'Re: follow-up', headers: { Precedence: 'auto_reply' } },
  { subject: 'Afwezig: Re: offerte', headers: {} },
]

export interface GenOptions {
  seed: number
  deals: number
  /** Days of events kept (120 by default; 14 for a "day one" tenant). */
  historyDays?: number
}

/** One generated tenant. Pure: the same options give the same tenant. */
export function generateTenant(options: GenOptions): GenTenant {
  const r = rng(options.seed * 7919 + 17)
  const historyDays = options.historyDays ?? 120
  const reps = 6
  const accounts = Math.max(10, Math.round(options.deals * 0.8))
  const deals: GenDeal[] = []
  for (let index = 0; index < options.deals; index++) deals.push(generateDeal(r, index, historyDays, reps, accounts))
  return { seed: options.seed, historyDays, reps, accounts, deals }
}

function generateDeal(r: ReturnType<typeof rng>, index: number, historyDays: number, reps: number, accounts: number): GenDeal {
  const stageIndex = r.pick([0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4])
  const stage = STAGES[stageIndex]!
  const story: string[] = []
  const h0 = r.normal()
  const kind = r.next()
  const trend = kind < 0.3 ? -r.between(0.6, 1.8) : kind < 0.5 ? r.between(0.4, 1.4) : r.normal() * 0.15
  story.push(
    `${stage.key}, health ${h0.toFixed(1)}`
    + (trend < -0.4
      ? `, decaying (${trend.toFixed(1)} over 4 weeks)`
      : trend > 0.3 ? `, improving (+${trend.toFixed(1)} over 4 weeks)` : ', flat'),
  )
  /** Health `t` days ago: the trend plays out over the last 28 days. */
  const health = (t: number) => h0 + trend * Math.max(0, 1 - t / 28)
  const hNow = health(0)
  const events: GenEvent[] = []
  const add = (
    type: GenEventType,
    daysAgo: number,
    by: 'rep' | 'buyer',
    contact: number | null,
    metadata: Record<string, unknown> = {},
  ) => {
    if (daysAgo >= 0 && daysAgo < historyDays) events.push({ type, daysAgo, by, contact, metadata })
  }

  // Time in the current stage: healthy deals move on in about the typical time, sick ones sit.
  const daysInStage = Math.max(1, Math.round(stage.typicalDays * Math.exp(0.45 * r.normal() - 0.35 * hNow) * r.between(0.3, 1.1)))
  const earlier = STAGES.slice(0, stageIndex).map(s => Math.max(2, Math.round(s.typicalDays * Math.exp(0.4 * r.normal()))))
  const age = daysInStage + earlier.reduce((a, b) => a + b, 0) + Math.round(r.between(0, 5))
  add('deal_created', age, 'rep', null, { stage: 'new' })
  let at = age
  earlier.forEach((days, i) => {
    at -= days
    add('stage_changed', at, 'rep', null, { from: STAGES[i]!.key, to: STAGES[i + 1]!.key, secondsInStage: days * 86400 })
  })
  if (daysInStage > stage.typicalDays * 2) story.push(`${daysInStage} days in ${stage.key} (typical ${stage.typicalDays})`)

  const contacts = Math.min(6, 1 + r.poisson(1.2 * Math.exp(0.35 * h0)))
  /** The contact a buyer event comes from: mostly the champion (0). */
  const buyerContact = (active: (c: number) => boolean) => {
    const choices = Array.from({ length: contacts }, (_, c) => c).filter(active)
    if (!choices.length) return null
    return active(0) && r.chance(0.55) ? 0 : r.pick(choices)
  }
  // Some stakeholders join late (healthy deals pull more people in).
  const joinedDaysAgo = Array.from({ length: contacts }, (_, c) => (c === 0 ? age : r.chance(0.35 + 0.1 * hNow) ? r.between(0, 40) : age))

  // Confounders.
  const chase = (hNow < -0.5 && r.chance(0.45)) || r.chance(0.04)
  // Within the deal's life: a champion leaves after having been there a while.
  const outOfOffice
    = age > 10 && r.chance(0.15)
      ? { contact: r.chance(0.6) ? 0 : Math.floor(r.next() * contacts), from: r.between(3, Math.min(60, age - 3)), days: 7 }
      : null
  const championLeaves = age > 12 && (trend < -0.4 ? r.chance(0.3) : r.chance(0.04)) ? r.between(1, Math.min(28, age - 10)) : null
  const realCut = (hNow < -0.3 ? r.chance(0.22) : r.chance(0.04)) ? r.between(2, 40) : null
  const discount = r.chance(0.25) ? r.between(2, 60) : null
  const pushes = trend < -0.4 ? (r.chance(0.55) ? 1 + r.poisson(0.6) : 0) : (r.chance(0.12) ? 1 : 0)
  const staleCloseDate = r.chance(0.12)
  if (chase) story.push('rep chase burst this week')
  if (outOfOffice)
    story.push(`contact ${outOfOffice.contact + 1} out of office ${Math.round(outOfOffice.from)} days ago for a week (auto-replies)`)
  if (championLeaves !== null) story.push(`champion left ${Math.round(championLeaves)} days ago (mail bounces)`)
  if (realCut !== null) story.push(`amount cut ${Math.round(realCut)} days ago`)
  if (discount !== null) story.push(`routine discount ${Math.round(discount)} days ago`)
  if (pushes) story.push(`close date pushed ${pushes}x`)
  if (staleCloseDate) story.push('close date left to pass')

  const available = (c: number, t: number) => t <= joinedDaysAgo[c]!
    && !(championLeaves !== null && c === 0 && t < championLeaves)
    && !(outOfOffice && outOfOffice.contact === c && t <= outOfOffice.from && t > outOfOffice.from - outOfOffice.days)
  let thread = 0
  let bounced = false
  if (championLeaves !== null) {
    // The rep's mail to the champion starts bouncing the day they leave.
    add('email_sent', championLeaves - 0.01, 'rep', 0, { threadId: `t${index}-left`, subject: 'Checking in' })
    add('email_bounced', championLeaves - 0.011, 'buyer', 0, { reason: 'mailbox does not exist' })
    bounced = true
  }
  // Day by day over the deal's life (within the history): the rep works, the buyer answers by health.
  for (let day = Math.min(age, historyDays) - 1; day >= 0; day--) {
    const h = health(day)
    const engage = Math.exp(0.9 * h)
    const late = 1 + stageIndex * 0.15
    const repEmails = r.poisson(0.28 + (chase && day < 7 ? r.between(0.8, 2.2) : 0))
    for (let k = 0; k < repEmails; k++) {
      const t = day + r.next() * 0.9
      const contact = Math.floor(r.next() * contacts)
      const threadId = `t${index}-${thread++}`
      add('email_sent', t, 'rep', contact, { threadId, subject: 'Following up' })
      if (r.chance(0.4))
        add('email_opened', t - 2 / 86400, 'buyer', contact, { userAgent: 'Mozilla/5.0', ip: `17.58.${Math.floor(r.next() * 255)}.9` })
      if (r.chance(0.1))
        add('email_clicked', t - 1 / 86400, 'buyer', contact, { userAgent: 'Mimecast URL protection', url: 'https://example.com/pricing' })
      if (championLeaves !== null && contact === 0 && t < championLeaves) {
        if (!bounced || r.chance(0.5)) add('email_bounced', t - 0.001, 'buyer', contact, { reason: 'mailbox does not exist' })
        bounced = true
        continue
      }
      if (outOfOffice && outOfOffice.contact === contact && t <= outOfOffice.from && t > outOfOffice.from - outOfOffice.days) {
        const ooo = r.pick(OUT_OF_OFFICE)
        add('email_received', t - 0.002, 'buyer', contact, { threadId, subject: ooo.subject, headers: ooo.headers })
        continue
      }
      if (!available(contact, t)) continue
      if (r.chance(sigmoid(-0.4 + 1.1 * h))) {
        const hours = Math.exp(Math.log(8) - 0.7 * h + 0.6 * r.normal())
        add('email_received', t - hours / 24, 'buyer', contact, { threadId, subject: 'Re: Following up' })
      }
      if (r.chance(sigmoid(-0.5 + 0.8 * h)))
        add('email_opened', t - r.between(0.02, 0.5), 'buyer', contact, { userAgent: 'Mozilla/5.0 (Windows NT 10.0) Outlook/16.0' })
    }
    // Buyer-initiated: inbound mail, inbound calls, meetings held; and reading.
    if (r.chance(0.05 * engage * late)) {
      const c = buyerContact(cc => available(cc, day))
      if (c !== null)
        add('email_received', day + r.next() * 0.9, 'buyer', c, {
          threadId: `t${index}-${thread++}`,
          subject: 'Question about the proposal',
        })
    }
    if (r.chance(0.02 * engage * late)) {
      const c = buyerContact(cc => available(cc, day))
      if (c !== null) add('call', day + r.next() * 0.9, 'buyer', c, { direction: 'inbound', outcome: 'connected', durationSeconds: 600 })
    }
    if (r.chance(0.035 * engage * late)) {
      const c = buyerContact(cc => available(cc, day + 3))
      if (c !== null) {
        add('meeting_scheduled', day + 3 + r.next(), 'rep', c, {})
        if (r.chance(sigmoid(0.8 + 1.2 * h))) add('meeting_held', day + r.next() * 0.5, 'buyer', c, {})
      }
    }
    if (r.chance(0.04 * Math.exp(0.5 * h))) {
      const c = buyerContact(cc => available(cc, day))
      if (c !== null)
        add('email_clicked', day + r.next() * 0.9, 'buyer', c, {
          userAgent: 'Mozilla/5.0 (Macintosh) Safari/605',
          url: 'https://example.com/case-study',
        })
    }
    // The rep's calls (they connect with engaged buyers) and notes; the chase adds calls.
    const calls = r.poisson(0.08 + (chase && day < 7 ? 0.9 : 0))
    for (let k = 0; k < calls; k++) {
      const c = Math.floor(r.next() * contacts)
      const connected = available(c, day) && r.chance(sigmoid(-0.6 + 0.9 * h))
      add('call', day + r.next() * 0.9, 'rep', c, {
        direction: 'outbound',
        outcome: connected ? 'connected' : r.chance(0.5) ? 'no_answer' : 'voicemail',
        durationSeconds: connected ? 400 : 20,
      })
    }
    if (r.chance(0.06 + (chase && day < 7 ? 0.4 : 0))) add('note', day + r.next() * 0.9, 'rep', null, { text: 'Logged' })
  }

  // Amounts and close dates.
  const amount = Math.round(r.between(5, 150)) * 1000
  let current = amount
  if (discount !== null) {
    const to = Math.round(current * r.between(0.92, 0.97))
    add('deal_updated', discount, 'rep', null, { changes: { amount: { from: current, to } } })
    current = to
  }
  if (realCut !== null) {
    const to = Math.round(current * r.between(0.5, 0.8))
    add('deal_updated', realCut, 'rep', null, { changes: { amount: { from: current, to } } })
    current = to
  }
  const closeInDays = staleCloseDate ? -Math.round(r.between(1, 25)) : Math.round(r.between(5, 90))
  // Each push moved the close date later; the last one to where it is now. Dates in days from now.
  let to = closeInDays
  for (let p = pushes; p > 0; p--) {
    const from = to - Math.round(r.between(14, 35))
    add('deal_updated', r.between(1, 40), 'rep', null, { changes: { closeDate: { fromDays: from, toDays: to } } })
    to = from
  }

  // The outcome: the stage, the health now and where it is heading, a champion gone, a real cut.
  const z = logit(stage.probability / 100) + 0.2 + 1.35 * hNow + 0.5 * trend
    - (championLeaves !== null ? 1.1 : 0) - (realCut !== null ? 0.6 : 0) + 0.35 * r.normal()
  const won = r.next() < sigmoid(z)
  events.sort((a, b) => b.daysAgo - a.daysAgo)
  return {
    index, name: `Deal ${index + 1}`, account: index % accounts, stage: stage.key, amount: current, closeInDays,
    contacts, rep: index % reps, won, health: hNow, trend, story, events,
  }
}
