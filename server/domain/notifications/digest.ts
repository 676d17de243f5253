import { and, asc, eq, gte, isNull, lt, sql } from 'drizzle-orm'
import { alerts, deals, tasks, userPreferences, users } from '../../../db/schema'
import type { Tx } from '../core/db'
import type { Mailer } from '../email/mailer'
import { focusList } from '../momentum/queries'

export interface DigestInput {
  name: string
  day: string
  appUrl: string
  focus: { dealId: string, dealName: string, whyNow: string, nextAction: string }[]
  overdue: { title: string, dueAt: Date, dealName: string | null }[]
  alerts: { dealId: string, dealName: string, message: string }[]
}

const escape = (s: string) => s.replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

/** The daily digest email: focus list, overdue tasks, new alerts; null when there is nothing to say. Pure. */
export function composeDigest(input: DigestInput): { subject: string, text: string, html: string } | null {
  if (!input.focus.length && !input.overdue.length && !input.alerts.length) return null
  const sections: { title: string, lines: { text: string, link?: string }[] }[] = [
    {
      title: 'Your focus today',
      lines: input.focus.map(f => ({ text: `${f.dealName} — ${f.whyNow}. Next: ${f.nextAction}`, link: `/deals/${f.dealId}` })),
    },
    {
      title: 'Overdue tasks',
      lines: input.overdue.map(t => ({
        text: `${t.title}${t.dealName ? ` (${t.dealName})` : ''}, due ${t.dueAt.toISOString().slice(0, 10)}`,
        link: '/tasks',
      })),
    },
    { title: 'New alerts', lines: input.alerts.map(a => ({ text: `${a.dealName}: ${a.message}`, link: `/deals/${a.dealId}` })) },
  ].filter(s => s.lines.length)
  const counts = [
    input.overdue.length && `${input.overdue.length} overdue`,
    input.alerts.length && `${input.alerts.length} new alert${input.alerts.length === 1 ? '' : 's'}`,
  ].filter(Boolean)
  const subject = `Your day in Momentum, ${input.day}${counts.length ? `: ${counts.join(', ')}` : ''}`
  const text = [
    `Hi ${input.name},`,
    '',
    ...sections.flatMap(s => [s.title, ...s.lines.map(l => `- ${l.text}${l.link ? ` ${input.appUrl}${l.link}` : ''}`), '']),
  ].join('\n')
  const html = `<p>Hi ${escape(input.name)},</p>`
    + sections
      .map(s => `<h3>${escape(s.title)}</h3><ul>`
        + s.lines
          .map(l => `<li>${l.link ? `<a href="${escape(input.appUrl + l.link)}">${escape(l.text)}</a>` : escape(l.text)}</li>`)
          .join('')
          + '</ul>')
      .join('')
  return { subject, text, html }
}

async function digestOf(tx: Tx, tenantId: string, user: { id: string, name: string }, now: Date, appUrl: string): Promise<DigestInput> {
  const focus = await focusList(tx, tenantId, { limit: 5, ownerId: user.id })
  const overdue = await tx.select({ title: tasks.title, dueAt: tasks.dueAt, dealName: deals.name }).from(tasks)
    .leftJoin(deals, and(eq(deals.tenantId, tasks.tenantId), eq(deals.id, tasks.dealId)))
    .where(and(eq(tasks.tenantId, tenantId), eq(tasks.assigneeId, user.id), isNull(tasks.doneAt), lt(tasks.dueAt, now)))
    .orderBy(asc(tasks.dueAt)).limit(20)
  const fresh = await tx
    .select({ dealId: deals.id, dealName: deals.name, message: alerts.message })
    .from(alerts)
    .innerJoin(deals, and(eq(deals.tenantId, alerts.tenantId), eq(deals.id, alerts.dealId)))
    .where(
      and(
        eq(alerts.tenantId, tenantId),
        eq(deals.ownerId, user.id),
        eq(alerts.status, 'open'),
        gte(alerts.createdAt, new Date(now.getTime() - 86_400_000)),
      ),
    )
    .orderBy(asc(alerts.createdAt))
    .limit(20)
  return {
    name: user.name, day: now.toISOString().slice(0, 10), appUrl,
    focus: focus.map(f => ({ dealId: f.deal.id, dealName: f.deal.name, whyNow: f.whyNow, nextAction: f.nextAction })),
    overdue: overdue.map(t => ({ title: t.title, dueAt: t.dueAt!, dealName: t.dealName })),
    alerts: fresh,
  }
}

/**
 * Sends each active user who wants it their daily digest, once per UTC day: the day is claimed
 * and the email sent in one savepoint, so a failed send is retried by the next run and a re-run
 * after a success sends nothing.
 */
export async function sendDigests(tx: Tx, tenantId: string, mailer: Mailer | null, now: Date, appUrl: string) {
  if (!mailer) return { sent: 0, empty: 0, failed: 0, skipped: 'smtp_not_configured' as const }
  const day = now.toISOString().slice(0, 10)
  const people = await tx.select({ id: users.id, name: users.name, email: users.email }).from(users)
    .leftJoin(userPreferences, and(eq(userPreferences.tenantId, users.tenantId), eq(userPreferences.userId, users.id)))
    .where(and(eq(users.tenantId, tenantId), eq(users.active, true), sql`${users.passwordHash} is not null`,
      sql`coalesce(${userPreferences.digestEmail}, true)`, sql`${userPreferences.lastDigestOn} is distinct from ${day}::date`))
  let sent = 0
  let empty = 0
  let failed = 0
  for (const person of people) {
    const digest = composeDigest(await digestOf(tx, tenantId, person, now, appUrl))
    if (!digest) {
      empty++
      continue
    }
    try {
      await tx.transaction(async (sp) => {
        const claimed = await sp
          .insert(userPreferences)
          .values({ tenantId, userId: person.id, lastDigestOn: day, updatedAt: now })
          .onConflictDoUpdate({
            target: [userPreferences.tenantId, userPreferences.userId],
            set: { lastDigestOn: day },
            setWhere: sql`${userPreferences.lastDigestOn} is distinct from ${day}::date`,
          })
          .returning({ userId: userPreferences.userId })
        if (!claimed.length) return
        await mailer.send({ to: person.email, ...digest })
        sent++
      })
    }
    catch {
      failed++
    }
  }
  return { sent, empty, failed }
}
