import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emailMessages, events, sequenceEnrolments } from '../../db/schema'
import { withTenant, type Tx } from '../../server/domain/core/db'
import { createDeal } from '../../server/domain/deals/records'
import { createAccount } from '../../server/domain/records/accounts'
import { createContact } from '../../server/domain/records/contacts'
import { threadReply } from '../../server/domain/email/tracking/inbound'
import { smtpMailer, type Mailer } from '../../server/domain/email/mailer'
import { runTask } from '../../server/domain/jobs/registry'
import { sendDueSteps } from '../../server/domain/sequences/send'
import { createSequence, enrol } from '../../server/domain/sequences/sequences'
import { SequenceCreateSchema } from '../../server/domain/sequences/templates'
import { createTenant, createUser } from '../../server/domain/tenancy/tenants'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { startSmtpSink, type SmtpSink } from '../support/smtp'

const DAY = 86_400_000
// A Monday.
const NOW = new Date('2026-11-16T09:00:00Z')
const at = (days: number) => new Date(NOW.getTime() + days * DAY)

let database: TestDatabase
let smtp: SmtpSink
let mailer: Mailer
let tenantId: string
let rep: string
let contactId: string
let dealId: string
const inTenant = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(database.db, tenantId, fn)
const run = (now: Date) => runTask(database.db, 'automation:run', { tenantId, now, mailer })

beforeAll(async () => {
  database = await createTestDatabase()
  smtp = await startSmtpSink()
  mailer = smtpMailer({ url: smtp.url, from: 'crm@momentum.test' })
  const made = await createTenant(database.db, { name: 'Sequence Co' }, async (tx, t) => {
    const user = await createUser(tx, t.id, { email: 'riley@seq.test', name: 'Riley Chen', role: 'rep' })
    const actor = { tenantId: t.id, userId: user.id, now: at(-1) }
    const account = await createAccount(tx, actor, { name: 'Acme' })
    const contact = await createContact(tx, actor, { firstName: 'Bea', lastName: 'Buyer', email: 'bea@acme.test', accountId: account.id })
    const other = await createContact(tx, actor, { firstName: 'Cy', email: 'cy@acme.test', accountId: account.id })
    const deal = await createDeal(tx, actor, { name: 'Acme Renewal', amount: 9000, contactIds: [contact.id, other.id] })
    return { rep: user.id, contact: contact.id, other: other.id, deal: deal.id }
  })
  tenantId = made.tenant.id
  rep = made.result!.rep
  contactId = made.result!.contact
  dealId = made.result!.deal
})
afterAll(async () => {
  mailer.close()
  await smtp.close()
  await database.close()
})

const steps = SequenceCreateSchema.parse({
  name: 'Renewal',
  steps: [
    { subject: 'Your {{deal.name}}', body: 'Hi {{contact.firstName}}, about {{account.name}}. {{sender.name}}', waitDays: 0 },
    { subject: 'Following up', body: 'Any thoughts, {{contact.firstName}}?', waitDays: 2 },
    { subject: 'Last try', body: 'Closing the loop.', waitDays: 3 },
  ],
})

describe('email sequences', () => {
  it('a three-step sequence sends two emails over SMTP, waiting business days, and stops when the reply arrives', async () => {
    const sequence = await inTenant(tx => createSequence(tx, { tenantId, userId: rep }, steps, NOW))
    expect(await inTenant(tx => enrol(tx, tenantId, sequence.id, { contactIds: [contactId], dealId, senderId: rep }, NOW))).toMatchObject({
      enrolled: 1,
      skipped: 0,
    })
    expect(await inTenant(tx => enrol(tx, tenantId, sequence.id, { contactIds: [contactId], dealId, senderId: rep }, NOW))).toMatchObject({
      enrolled: 0,
      skipped: 1,
    })

    await run(at(0.01))
    const [first] = await smtp.waitFor(1)
    expect(first).toMatchObject({ to: ['bea@acme.test'], subject: 'Your Acme Renewal', replyTo: 'riley@seq.test' })
    expect(first!.text.trim()).toBe('Hi Bea, about Acme. Riley Chen')
    // Step 2 waits two business days (Wednesday), not one.
    await run(at(1))
    expect(smtp.messages).toHaveLength(1)
    await run(at(2.1))
    const [, second] = await smtp.waitFor(2)
    expect(second!.subject).toBe('Following up')

    const sent = await inTenant(tx => tx.select().from(events).where(and(eq(events.dealId, dealId), eq(events.type, 'email_sent'))))
    expect(sent.map(e => e.metadata.messageId)).toEqual([first!.messageId!.replace(/[<>]/g, ''), second!.messageId!.replace(/[<>]/g, '')])
    expect(await inTenant(tx => tx.select().from(emailMessages).where(eq(emailMessages.direction, 'sent')))).toHaveLength(2)

    // Bea answers the second email: threaded by In-Reply-To onto the deal as email_received.
    await inTenant(tx =>
      threadReply(tx, tenantId, {
        messageId: 'reply-1@acme.test',
        inReplyTo: second!.messageId!.replace(/[<>]/g, ''),
        references: [],
        from: 'bea@acme.test',
        to: 'riley@seq.test',
        subject: 'Re: Following up',
        date: at(3),
        text: 'Yes, call me',
      }),
    )
    await run(at(3.1))
    await run(at(10))
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(smtp.messages).toHaveLength(2)
    const [enrolment] = await inTenant(tx => tx.select().from(sequenceEnrolments).where(eq(sequenceEnrolments.contactId, contactId)))
    expect(enrolment).toMatchObject({ status: 'replied', nextStep: 2 })
  })

  it('holds steps back once the sender reached the daily limit, and sends them the next day', async () => {
    smtp.clear()
    const sequence = await inTenant(tx =>
      createSequence(tx, { tenantId, userId: rep }, { name: 'One step', steps: [steps.steps[0]!] }, at(20)),
    )
    const more = await inTenant(async tx => [
      (await createContact(tx, { tenantId, userId: rep }, { firstName: 'Di', email: 'di@acme.test' })).id,
      (await createContact(tx, { tenantId, userId: rep }, { firstName: 'Ed', email: 'ed@acme.test' })).id,
    ])
    await inTenant(tx => enrol(tx, tenantId, sequence.id, { contactIds: more, senderId: rep }, at(20)))
    expect(await sendDueSteps(database.db, tenantId, at(20.1), mailer, 1)).toMatchObject({ sent: 1, deferred: 1 })
    expect(await sendDueSteps(database.db, tenantId, at(20.2), mailer, 1)).toMatchObject({ sent: 0, deferred: 1 })
    expect(await sendDueSteps(database.db, tenantId, at(21.1), mailer, 1)).toMatchObject({ sent: 1, deferred: 0 })
    expect((await smtp.waitFor(2)).map(m => m.to[0]).sort()).toEqual(['di@acme.test', 'ed@acme.test'])
  })
})
