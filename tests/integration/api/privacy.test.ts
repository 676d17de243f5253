import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, unique, type Json } from '../../support/http'

const baseURL = inject('baseURL')
const [adminLogin, , riley] = DEMO_LOGINS

let admin: Client
let contact: Json
let deal: Json
beforeAll(async () => {
  admin = await new Client(baseURL).login(adminLogin.email, DEMO_PASSWORD)
  const email = `${unique('grace')}@hopper.test`
  contact = (
    await admin.post('/api/v1/contacts', { firstName: 'Grace', lastName: 'Hopper', email, phone: '+1 555 0100', title: 'Rear Admiral' })
  ).body
  deal = (await admin.post('/api/v1/deals', { name: unique('Compiler deal'), amount: 5000, contactIds: [contact.id] })).body
  await admin.post('/api/v1/activities', {
    type: 'call',
    contactId: contact.id,
    dealId: deal.id,
    durationSeconds: 600,
    outcome: 'connected',
    subject: 'Call with Grace about COBOL',
  })
  await admin.post('/api/v1/activities', { type: 'note', contactId: contact.id, body: 'Grace prefers morning calls; home number 555-0199' })
  await admin.post('/api/v1/events', {
    type: 'email_received', occurredAt: new Date().toISOString(), source: 'direct',
    actor: { email }, subject: { contactId: contact.id }, metadata: { subject: 'Re: pricing', from: email, direction: 'inbound' },
  })
  await admin.post('/api/v1/leads', { name: 'Grace Hopper', email, company: 'Navy', source: 'referral' })
})

describe('contact export and erasure', () => {
  it('exports everything held on the person as JSON, and audits the export', async () => {
    const answer = await admin.get(`/api/v1/contacts/${contact.id}/export`)
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-disposition')).toContain(`contact-${contact.id}.json`)
    const data = answer.body
    expect(data.contact).toMatchObject({
      id: contact.id,
      firstName: 'Grace',
      email: contact.email,
      phone: '+1 555 0100',
      title: 'Rear Admiral',
    })
    expect(data.deals.map((d: Json) => d.id)).toEqual([deal.id])
    expect(data.notes.map((n: Json) => n.body)).toEqual(['Grace prefers morning calls; home number 555-0199'])
    expect(data.events.map((e: Json) => e.type).sort()).toEqual(['call', 'email_received', 'note'])
    expect(data.events.find((e: Json) => e.type === 'email_received').metadata).toMatchObject({
      subject: 'Re: pricing',
      from: contact.email,
    })
    expect(data.leads.map((l: Json) => l.email)).toEqual([contact.email])
    const audit = (await admin.get('/api/v1/audit')).body.data as Json[]
    expect(audit.some(e => e.action === 'data.exported' && e.targetType === 'contact' && e.targetId === contact.id)).toBe(true)
  })

  it('lets only admins erase (403 for a rep), and 404s an unknown contact', async () => {
    const rep = await new Client(baseURL).login(riley.email, DEMO_PASSWORD)
    expect((await rep.post(`/api/v1/contacts/${contact.id}/erase`)).status).toBe(403)
    expect((await admin.post('/api/v1/contacts/00000000-0000-4000-8000-000000000000/erase')).status).toBe(404)
    expect((await admin.get(`/api/v1/contacts/${contact.id}`)).body.firstName).toBe('Grace')
  })

  it('erases the personal fields, notes, leads and event details, keeps the history\'s shape, '
    + 'and audits without personal data', async () => {
    const before = (await admin.get(`/api/v1/contacts/${contact.id}/timeline?limit=100`)).body.data as Json[]
    const answer = await admin.post(`/api/v1/contacts/${contact.id}/erase`)
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ id: contact.id, events: 3, notes: 1, leads: 1 })

    const after = (await admin.get(`/api/v1/contacts/${contact.id}`)).body
    expect(after).toMatchObject({ firstName: 'Erased', lastName: 'contact', email: null, phone: null, title: null, custom: {} })
    expect(after.erasedAt).not.toBeNull()
    expect(after.deals.map((d: Json) => d.id)).toEqual([deal.id])

    // The same events, same types and times, without personal details.
    const timeline = (await admin.get(`/api/v1/contacts/${contact.id}/timeline?limit=100`)).body.data as Json[]
    expect(timeline.map(e => [e.id, e.type, e.occurredAt])).toEqual(before.map(e => [e.id, e.type, e.occurredAt]))
    const text = JSON.stringify(timeline)
    expect(text).not.toContain('Grace')
    expect(text).not.toContain(contact.email)
    expect(text).not.toContain('pricing')
    expect(timeline.find(e => e.type === 'call').metadata).toEqual({ outcome: 'connected', durationSeconds: 600, erased: true })
    expect(timeline.find(e => e.type === 'email_received').metadata).toEqual({ direction: 'inbound', erased: true })

    const exported = JSON.stringify((await admin.get(`/api/v1/contacts/${contact.id}/export`)).body)
    expect(exported).not.toContain(contact.email)
    expect(exported).not.toContain('morning calls')
    expect(exported).not.toContain('Hopper')

    const audit = (await admin.get('/api/v1/audit')).body.data as Json[]
    const erased = audit.find(e => e.action === 'data.erased' && e.targetId === contact.id)
    expect(erased.metadata).toEqual({ events: 3, notes: 1, leads: 1, emails: 0 })
    expect(JSON.stringify(audit)).not.toContain(contact.email)

    const again = await admin.post(`/api/v1/contacts/${contact.id}/erase`)
    expect(again.status).toBe(409)
  })
})

describe('email data of a person: messages, unmatched replies, raw payloads, events by address', () => {
  const postmarkAuth = { username: 'privacy', password: 'privacy-hook-password' }
  const basic = `Basic ${Buffer.from(`${postmarkAuth.username}:${postmarkAuth.password}`).toString('base64')}`
  const path = (url: string) => url.replace(/^https?:\/\/[^/]+/, '')
  const email = `${unique('ada')}@lovelace.test`
  const sentId = `${unique('sent')}@momentum.test`
  let inboundUrl: string
  let ada: Json
  let otherDeal: Json
  const reply = (messageId: string, subject: string, inReplyTo?: string) =>
    fetch(`${baseURL}${path(inboundUrl)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': basic },
      body: JSON.stringify({
        MessageID: messageId,
        From: email,
        To: 'sales@demo.test',
        Subject: subject,
        TextBody: 'See my notes on the engine',
        Headers: [
          { Name: 'Message-ID', Value: `<${messageId}>` },
          ...(inReplyTo ? [{ Name: 'In-Reply-To', Value: `<${inReplyTo}>` }] : []),
        ],
      }),
    })

  beforeAll(async () => {
    inboundUrl = (await admin.post('/api/v1/integrations/email', { provider: 'postmark', verification: postmarkAuth })).body.inboundUrl
    // A reply from her address before she was a contact: kept as unmatched, with its raw payload.
    expect((await (await reply(`${unique('early')}@mail.test`, 'Early question about the Analytical Engine')).json()).status).toBe(
      'unmatched',
    )
    ada = (await admin.post('/api/v1/contacts', { firstName: 'Ada', lastName: 'Lovelace', email })).body
    const deal = (await admin.post('/api/v1/deals', { name: unique('Engine deal'), amount: 9000, contactIds: [ada.id] })).body
    otherDeal = (await admin.post('/api/v1/deals', { name: unique('Unrelated deal'), amount: 100 })).body
    expect(
      (
        await admin.post('/api/v1/activities', {
          type: 'email_sent',
          dealId: deal.id,
          contactId: ada.id,
          subject: 'Engine proposal',
          messageId: `<${sentId}>`,
        })
      ).status,
    ).toBe(201)
    expect((await (await reply(`${unique('reply')}@mail.test`, 'Re: Engine proposal', sentId)).json()).status).toBe('threaded')
    // An integration's event that names her only as the actor, on a deal she is not on.
    expect(
      (
        await admin.post('/api/v1/events', {
          type: 'email_opened',
          occurredAt: new Date().toISOString(),
          source: 'tracker',
          actor: { email },
          subject: { dealId: otherDeal.id },
          metadata: { url: 'https://x.test/?ada', userAgent: 'Ada\'s laptop' },
        })
      ).status,
    ).toBe(200)
  })

  it('exports her messages (sent, threaded and unmatched, with raw payloads) and the events that name her by address', async () => {
    const data = (await admin.get(`/api/v1/contacts/${ada.id}/export`)).body
    expect(data.emails.map((m: Json) => [m.direction, m.subject]).sort()).toEqual([
      ['received', 'Early question about the Analytical Engine'], ['received', 'Re: Engine proposal'], ['sent', 'Engine proposal']])
    const received = data.emails.filter((m: Json) => m.direction === 'received')
    for (const m of received) {
      expect(m.rawPayload).toContain(email)
      expect(m.rawReceivedAt).not.toBeNull()
    }
    expect(data.events.some((e: Json) => e.type === 'email_opened' && e.dealId === otherDeal.id && e.actorEmail === email)).toBe(true)
  })

  it('erases them: no address, subject, link or raw payload left in messages, the unmatched list or events; '
    + 'counted in the audit', async () => {
    const answer = await admin.post(`/api/v1/contacts/${ada.id}/erase`)
    expect(answer.status).toBe(200)
    expect(answer.body.emails).toBe(3)
    const exported = JSON.stringify((await admin.get(`/api/v1/contacts/${ada.id}/export`)).body)
    for (const trace of [email, 'Analytical Engine', 'Engine proposal', 'engine', 'laptop', '?ada']) expect(exported).not.toContain(trace)
    const unmatched = JSON.stringify((await admin.get('/api/v1/integrations/email/unmatched')).body)
    expect(unmatched).not.toContain(email)
    expect(unmatched).not.toContain('Analytical Engine')
    const timeline = (await admin.get(`/api/v1/deals/${otherDeal.id}/timeline?limit=50`)).body.data as Json[]
    const opened = timeline.find(e => e.type === 'email_opened')
    expect(opened.metadata).toEqual({ erased: true })
    expect(JSON.stringify(timeline)).not.toContain(email)
    const audit = (await admin.get('/api/v1/audit')).body.data as Json[]
    expect(audit.find(e => e.action === 'data.erased' && e.targetId === ada.id).metadata).toMatchObject({
      emails: 3,
      events: expect.any(Number),
    })
  })
})
