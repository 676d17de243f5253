import { eq, sql } from 'drizzle-orm'
import type { AppDatabase } from '../../../db/client'
import { tenants } from '../../../db/schema'
import {
  ACTIVITY_MIX, CALL_NOTES, DAY, DEMO_LEAD_SOURCES, EMAIL_LINKS, EMAIL_THREADS, FIRST, INDUSTRIES, LAST, LEAD_COMPANIES, MEETING_TITLES,
  MIX_TOTAL, NEXT_STEPS, NOTE_TEXTS, PREFIXES, PRODUCTS, random, STAGE_MIX, SUFFIXES, TITLES, type Shape,
} from './data'
import { withTenant, type Tx } from '../core/db'
import { changeDealStage, createDeal, updateDeal, type Actor } from '../deals/records'
import { createAccount } from '../records/accounts'
import { createContact } from '../records/contacts'
import { pathBetween, DEFAULT_STAGES } from '../deals/stages'
import { runTask } from '../jobs/registry'
import { ensureEventPartitions } from '../events/partitions'
import type { NewEvent } from '../events/schema'
import { writeEvents } from '../events/write'
import { createLead } from '../records/leads'
import { createTask } from '../tasks/tasks'
import { createTeam, createTenant, createUser, setTeamManager } from '../tenancy/tenants'

export const DEMO_TENANT_NAME = 'Momentum Demo'
export const DEMO_PASSWORD = 'momentum-demo'
export const DEMO_LOGINS = [
  { email: 'admin@demo.momentum.test', name: 'Ada Admin', role: 'admin' },
  { email: 'manager@demo.momentum.test', name: 'Maya Manager', role: 'manager' },
  { email: 'riley@demo.momentum.test', name: 'Riley Chen', role: 'rep' },
  { email: 'sam@demo.momentum.test', name: 'Sam Okafor', role: 'rep' },
  { email: 'jordan@demo.momentum.test', name: 'Jordan Alvarez', role: 'rep' },
] as const

export interface SeedSummary { tenantId: string, deals: number, events: number, logins: typeof DEMO_LOGINS, password: string }

/**
 * Seeds the demo tenant through the app's own write paths (tenants, users, createDeal,
 * changeDealStage, updateDeal, writeEvents), in one transaction: all of it or nothing.
 */
export async function seedDemo(db: AppDatabase, options: { now?: Date, seed?: number } = {}): Promise<SeedSummary> {
  const now = options.now ?? new Date()
  const rnd = random(options.seed ?? 20261122)
  // What the activity says is drawn apart, so the deals, their timing and their scores stay as they were.
  const say = random((options.seed ?? 20261122) + 3)
  const { tenant } = await createTenant(db, { name: DEMO_TENANT_NAME, plan: 'enterprise' })
  let eventCount = 0
  let dealCount = 0
  await withTenant(db, tenant.id, async (tx) => {
    const team = await createTeam(tx, tenant.id, { name: 'Enterprise West' })
    const people = []
    for (const login of DEMO_LOGINS) {
      people.push(await createUser(tx, tenant.id, { ...login, password: DEMO_PASSWORD, teamId: login.role === 'admin' ? null : team.id }))
    }
    await setTeamManager(tx, tenant.id, team.id, people[1]!.id)
    const reps = people.filter(p => p.role === 'rep')
    const start = new Date(now.getTime() - 120 * DAY)

    const accountsMade = []
    for (let i = 0; i < 60; i++) {
      const name = `${PREFIXES[i % PREFIXES.length]} ${SUFFIXES[(i * 7) % SUFFIXES.length]}`
      const owner = reps[i % reps.length]!
      const actor: Actor = { tenantId: tenant.id, userId: owner.id, now: start }
      const account = await createAccount(tx, actor, {
        name,
        domain: `${name.toLowerCase().replace(/[^a-z]+/g, '')}.example`,
        industry: rnd.pick(INDUSTRIES),
      })
      const people = []
      for (let c = 0, n = rnd.int(2, 4); c < n; c++) {
        const firstName = rnd.pick(FIRST)
        const lastName = rnd.pick(LAST)
        people.push(await createContact(tx, actor, {
          firstName, lastName, title: rnd.pick(TITLES), accountId: account.id,
          email: `${firstName}.${lastName}.${c}@${account.domain}`.toLowerCase().normalize('NFD').replace(/[\u0300-\u036F]/g, ''),
        }))
      }
      accountsMade.push({ account, contacts: people })
    }

    const activity: NewEvent[] = []
    const openDeals: OpenDeal[] = []
    for (const [target, count] of STAGE_MIX) {
      for (let i = 0; i < count; i++, dealCount++) {
        const { account, contacts } = accountsMade[dealCount % accountsMade.length]!
        const owner = rnd.pick(reps)
        // Deals still in the first stage are young; the others were opened up to four months ago.
        const createdAt = new Date(now.getTime() - (target === 'new' ? rnd.int(2, 20) : rnd.int(8, 118)) * DAY - rnd.int(0, 23) * 3_600_000)
        const open = target !== 'won' && target !== 'lost'
        const shape: Shape = !open
          ? 'steady'
          : rnd.pick(['heating', 'heating', 'steady', 'steady', 'steady', 'quiet', 'quiet', 'pushed'] as const)
        const engaged = contacts.slice(0, rnd.int(1, contacts.length))
        const actor = (at: Date): Actor => ({ tenantId: tenant.id, userId: owner.id, now: at })
        const deal = await createDeal(tx, actor(createdAt), {
          name: `${account.name} — ${rnd.pick(PRODUCTS)}`,
          amount: Math.round((5000 + rnd.next() ** 2 * 145_000) / 500) * 500,
          closeDate: new Date(now.getTime() + rnd.int(10, 90) * DAY).toISOString().slice(0, 10),
          accountId: account.id,
          ownerId: owner.id,
          contactIds: engaged.map(c => c.id),
        })
        // Walk the pipeline to the target stage through allowed moves, spread over the deal's life.
        const lastOpen = DEFAULT_STAGES.filter(s => s.kind === 'open')[rnd.int(0, 3)]!.key
        const path
          = target === 'lost' ? [...pathBetween(DEFAULT_STAGES, 'new', lastOpen)!, 'lost'] : pathBetween(DEFAULT_STAGES, 'new', target)!
        // An open deal entered its current stage 1 to 21 days ago; a closed one closed after 60-95% of its life.
        const end = open
          ? new Date(Math.max(createdAt.getTime() + DAY, now.getTime() - rnd.int(1, 21) * DAY))
          : new Date(createdAt.getTime() + (now.getTime() - createdAt.getTime()) * (0.6 + rnd.next() * 0.35))
        for (let k = 0; k < path.length; k++) {
          const at = new Date(
            createdAt.getTime() + ((end.getTime() - createdAt.getTime()) * (k + 1)) / (open ? path.length : path.length + 1),
          )
          await changeDealStage(tx, actor(at), deal.id, {
            to: path[k]!,
            reason: path[k] === 'lost' ? rnd.pick(['no budget', 'chose a competitor', 'went quiet']) : undefined,
            closeDate: path[k] === 'won' || path[k] === 'lost' ? at.toISOString().slice(0, 10) : undefined,
          })
        }
        if (shape === 'pushed') {
          for (let push = 1, pushes = rnd.int(1, 2); push <= pushes; push++) {
            const at = new Date(now.getTime() - (30 - push * 10) * DAY)
            await updateDeal(tx, actor(at), deal.id, {
              closeDate: new Date(now.getTime() + (40 + push * 25) * DAY).toISOString().slice(0, 10),
              ...(push === 2 ? { amount: Math.round(Number(deal.amount) * 0.7) } : {}),
            })
          }
        }
        activity.push(
          ...dealActivity(rnd, say, {
            dealId: deal.id,
            accountId: account.id,
            company: account.name,
            ownerId: owner.id,
            contacts: engaged,
            from: createdAt,
            to: open ? now : end,
            shape,
          }),
        )
        if (open) openDeals.push({ id: deal.id, ownerId: owner.id, stage: target, contactId: engaged[0]?.id })
      }
    }
    for (let i = 0; i < activity.length; i += 5000) {
      eventCount += (await writeEvents(tx, tenant.id, activity.slice(i, i + 5000))).inserted
    }
    await seedLeads(tx, tenant.id, reps.map(r => r.id), options.seed ?? 20261122)
    await seedNextSteps(tx, tenant.id, openDeals, now, options.seed ?? 20261122)
  })
  await ensureEventPartitions(db)
  // Scores, alerts, the pipeline views and today's snapshot, as the hourly and daily tasks would leave
  // them: scored a week ago first (alerts fire on change only), then today.
  await runTask(db, 'momentum:refresh', { tenantId: tenant.id, now: new Date(now.getTime() - 7 * DAY), full: true })
  await runTask(db, 'momentum:refresh', { tenantId: tenant.id, now })
  await runTask(db, 'pipeline:snapshot', { tenantId: tenant.id, now })
  return { tenantId: tenant.id, deals: dealCount, events: eventCount, logins: DEMO_LOGINS, password: DEMO_PASSWORD }
}

interface OpenDeal { id: string, ownerId: string, stage: string, contactId?: string }
/**
 * Most open deals have a next step planned — due in the coming days, a few already overdue — and
 * some have none (the "no next step" alert finds those). Through the app's own createTask.
 */
async function seedNextSteps(tx: Tx, tenantId: string, openDeals: readonly OpenDeal[], now: Date, seed: number) {
  const rnd = random(seed + 2)
  for (const deal of openDeals) {
    if (rnd.next() < 0.15) continue
    const dueAt = new Date(now.getTime() + rnd.int(-3, 10) * DAY + rnd.int(8, 17) * 3_600_000)
    await createTask(tx, { tenantId, userId: deal.ownerId, now: new Date(now.getTime() - 5 * DAY) }, {
      title: rnd.pick(NEXT_STEPS[deal.stage] ?? ['Follow up']), dueAt, dealId: deal.id, contactId: deal.contactId,
      priority: rnd.next() < 0.2 ? 'high' : 'normal',
    })
  }
}

/** A few dozen open leads for the reps, of every source and fit, scored as the app scores them. */
async function seedLeads(tx: Tx, tenantId: string, repIds: string[], seed: number) {
  const rnd = random(seed + 1)
  for (let i = 0; i < 24; i++) {
    const firstName = rnd.pick(FIRST)
    const lastName = rnd.pick(LAST)
    const company = rnd.next() < 0.85 ? rnd.pick(LEAD_COMPANIES) : null
    const domain = company ? `${company.toLowerCase().replace(/[^a-z]+/g, '')}.example` : rnd.pick(['gmail.com', 'outlook.com'])
    const ownerId = repIds[i % repIds.length]!
    await createLead(tx, { tenantId, userId: ownerId }, {
      name: `${firstName} ${lastName}`, company, title: rnd.next() < 0.7 ? rnd.pick(TITLES) : null,
      source: rnd.pick(DEMO_LEAD_SOURCES), ownerId,
      email: `${firstName}.${lastName}@${domain}`.toLowerCase().normalize('NFD').replace(/[\u0300-\u036F]/g, ''),
      engagement: { emailsOpened: rnd.int(0, 4), pagesViewed: rnd.int(0, 6), meetingRequested: rnd.next() < 0.2 },
    })
  }
}

/** The activity around one deal, shaped: heating up lately, steady, or gone quiet. */
interface DealLife {
  dealId: string
  accountId: string
  company: string
  ownerId: string
  contacts: { id: string, email: string | null, firstName: string }[]
  from: Date
  to: Date
  shape: Shape
}

function dealActivity(rnd: ReturnType<typeof random>, say: ReturnType<typeof random>, d: DealLife): NewEvent[] {
  const span = d.to.getTime() - d.from.getTime()
  if (span <= 0) return []
  const quietFor = d.shape === 'quiet' ? rnd.int(14, 30) * DAY : 0
  const n = Math.round((span / DAY) * (d.shape === 'heating' ? 1.3 : d.shape === 'quiet' ? 0.8 : 1.1))
  const out: NewEvent[] = []
  for (let i = 0; i < n; i++) {
    // heating: times skew towards the end; quiet: nothing in the last weeks.
    const u = d.shape === 'heating' ? Math.sqrt(rnd.next()) : rnd.next()
    const at = new Date(d.from.getTime() + u * Math.max(0, span - quietFor))
    let pick = rnd.next() * MIX_TOTAL
    const [type, , direction] = ACTIVITY_MIX.find(([, w]) => (pick -= w) < 0) ?? ACTIVITY_MIX[0]!
    const contact = rnd.pick(d.contacts)
    const email = type.startsWith('email_')
    out.push({
      type, occurredAt: at, source: email ? 'email' : 'direct',
      externalId: email ? `demo-${d.dealId.slice(0, 8)}-${i}` : undefined,
      actorUserId: direction === 'out' ? d.ownerId : null,
      actorEmail: direction === 'in' ? contact.email : null,
      dealId: d.dealId, contactId: contact.id, accountId: d.accountId,
      metadata: type === 'call' ? { durationSeconds: rnd.int(60, 2400), outcome: rnd.pick(['connected', 'voicemail', 'no_answer']) } : {},
    })
  }
  return withContent(say, d, out)
}

/**
 * Gives the activity of a deal its words, in time order: each sent email starts a thread (subject,
 * what was written, to whom), the opens, clicks and replies that follow are about the latest one;
 * calls get an outcome, a length that fits it and what was said; meetings a title and attendees;
 * notes their text. Only `say` is drawn from, never the deal's own random numbers.
 */
function withContent(say: ReturnType<typeof random>, d: DealLife, events: NewEvent[]): NewEvent[] {
  const fill = (text: string, first: string) => text.replaceAll('{first}', first).replaceAll('{company}', d.company)
  const person = (id: string | null | undefined) => d.contacts.find(c => c.id === id) ?? d.contacts[0]!
  let thread: { subject: string, reply: string, messageId: string, to: string | null } | null = null
  let replies = 0
  for (const e of [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())) {
    const contact = person(e.contactId)
    const m = e.metadata ?? {}
    if (e.type === 'email_sent' || (e.type.startsWith('email_') && !thread)) {
      const t = say.pick(EMAIL_THREADS)
      thread = {
        subject: fill(t.subject, contact.firstName), reply: fill(t.reply, contact.firstName),
        messageId: `<${e.externalId}@demo.momentum.test>`, to: contact.email,
      }
      replies = 0
      if (e.type === 'email_sent') {
        e.metadata = { subject: thread.subject, snippet: fill(t.sent, contact.firstName), to: contact.email, messageId: thread.messageId }
        continue
      }
    }
    if (e.type === 'email_received') {
      e.metadata = { subject: `${replies++ ? 'Re: Re' : 'Re'}: ${thread!.subject}`, snippet: thread!.reply, from: contact.email }
    }
    else if (e.type.startsWith('email_')) {
      e.metadata = {
        subject: thread!.subject, messageId: thread!.messageId, to: thread!.to,
        ...(e.type === 'email_clicked' ? { url: say.pick(EMAIL_LINKS) } : {}),
      }
    }
    else if (e.type === 'call') {
      // The outcome stays as drawn (it counts for momentum); a busy line is one kind of no answer.
      const outcome = m.outcome === 'no_answer' && say.next() < 0.3 ? 'busy' : String(m.outcome)
      const durationSeconds = outcome === 'connected'
        ? say.int(4, 40) * 60
        : outcome === 'voicemail' ? say.int(20, 90) : say.int(0, 1) * say.int(10, 40)
      e.metadata = {
        outcome,
        ...(durationSeconds ? { durationSeconds } : {}),
        ...(outcome === 'connected' ? { subject: fill(say.pick(CALL_NOTES), contact.firstName) } : {}),
      }
    }
    else if (e.type === 'meeting_scheduled' || e.type === 'meeting_held') {
      const attendees = [...new Set([contact.id, ...d.contacts.filter(() => say.next() < 0.4).map(c => c.id)])]
      const startsAt = new Date(e.occurredAt.getTime() + say.int(2, 9) * DAY)
      startsAt.setUTCHours(say.int(14, 21), say.pick([0, 30]), 0, 0)
      e.metadata = {
        title: say.pick(MEETING_TITLES), attendeeIds: attendees, durationMinutes: say.pick([30, 30, 45, 60]),
        ...(e.type === 'meeting_scheduled' ? { startsAt: startsAt.toISOString() } : {}),
      }
    }
    else if (e.type === 'note') {
      e.metadata = { body: fill(say.pick(NOTE_TEXTS), contact.firstName) }
    }
  }
  return events
}

/** Removes the demo tenant and everything it holds (events have no foreign key: they go first). */
export async function removeDemo(db: AppDatabase) {
  const demo = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.name, DEMO_TENANT_NAME))
  for (const { id } of demo) {
    // As the owner, not the app role: events are append-only for the app.
    await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.tenant_id', ${id}, true), set_config('app.scope', 'tenant', true)`)
      await tx.execute(sql`delete from events where tenant_id = ${id}`)
      await tx.delete(tenants).where(eq(tenants.id, id))
    })
  }
}
