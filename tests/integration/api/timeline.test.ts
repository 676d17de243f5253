import { beforeAll, describe, expect, inject, it } from 'vitest'
import { Client, signUp, unique, type Json } from '../../support/http'
import { subscribe } from '../../support/stripe'

const baseURL = inject('baseURL')

// The timelines answer the names their rows refer to (`refs`), resolved on the server and only as
// far as the reader may see them; logging a call or a meeting takes its outcome, minutes, title
// and attendees, and names the field it refuses.

let admin: Client
let rep1: Client
let rep2: Client
const ids: Record<string, string> = {}

async function invite(name: string) {
  const email = `${unique('rep')}@timeline.test`
  const answer = await admin.post('/api/v1/users', { email, name, role: 'rep' })
  expect(answer.status).toBe(201)
  const client = new Client(baseURL)
  const token = answer.body.inviteUrl.split('/invite/')[1]
  expect((await client.post('/api/auth/invite/accept', { token, password: 'a-long-unusual-password' })).status).toBe(200)
  return { client, id: answer.body.id as string }
}

const timeline = async (client: Client, path: string) => {
  const answer = await client.get(`${path}/timeline?limit=200`)
  expect(answer.status).toBe(200)
  return answer.body as { data: Json[], refs: Json }
}

beforeAll(async () => {
  const signedUp = await signUp(baseURL)
  admin = signedUp.client
  await subscribe(baseURL, signedUp.tenant.id)
  const one = await invite('Odile Marchetti')
  const two = await invite('Quincy Doe')
  rep1 = one.client
  rep2 = two.client
  ids.rep1 = one.id
  ids.rep2 = two.id
  ids.account = (await admin.post('/api/v1/accounts', { name: 'Atlas Labs', ownerId: ids.rep1 })).body.id
  const contact = (firstName: string, lastName: string, accountId?: string, client = admin) =>
    client.post('/api/v1/contacts', { firstName, lastName, email: `${unique(firstName)}@atlas.test`, accountId })
  ids.priya = (await contact('Priya', 'Patel', ids.account)).body.id
  ids.tom = (await contact('Tom', 'Kim', ids.account)).body.id
  ids.outsider = (await contact('Olga', 'Outside')).body.id // of no account, on no deal of rep one's
  const deal = await admin.post('/api/v1/deals', {
    name: 'Atlas Labs — Platform', amount: 19500, currency: 'EUR', accountId: ids.account, contactIds: [ids.priya], ownerId: ids.rep1,
  })
  expect(deal.status).toBe(201)
  ids.deal = deal.body.id
  // Rep two's own account, person and deal: rep one sees none of them.
  ids.hiddenAccount = (await rep2.post('/api/v1/accounts', { name: 'Secret Corp' })).body.id
  ids.hidden = (await contact('Hidalgo', 'Secretperson', ids.hiddenAccount, rep2)).body.id
  ids.hiddenDeal = (await rep2.post('/api/v1/deals', {
    name: 'Secret Corp — Renewal', amount: 1000, accountId: ids.hiddenAccount, contactIds: [ids.hidden],
  })).body.id
  expect(ids.hidden && ids.hiddenDeal).toBeTruthy()
})

describe('logging a call or a meeting', () => {
  it('takes a call\'s outcome and minutes, stored as seconds', async () => {
    const logged = await rep1.post('/api/v1/activities', { type: 'call', dealId: ids.deal, outcome: 'no_answer', durationMinutes: 5 })
    expect(logged.status).toBe(201)
    const call = (await timeline(rep1, `/api/v1/deals/${ids.deal}`)).data.find(e => e.type === 'call')
    expect(call.metadata).toEqual({ outcome: 'no_answer', durationSeconds: 300 })
  })

  it('refuses a bad outcome or duration with a 400 naming the field, and stores nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'call', outcome: 'hung_up' }, 'outcome'],
      [{ type: 'call', outcome: 'busy', durationMinutes: -3 }, 'durationMinutes'],
      [{ type: 'call', outcome: 'busy', durationMinutes: 'five' }, 'durationMinutes'],
      [{ type: 'call', durationMinutes: 5, durationSeconds: 300 }, 'durationMinutes'],
      [{ type: 'note', body: 'x', outcome: 'connected' }, 'outcome'],
      [{ type: 'note', body: 'x', title: 'Kick-off' }, 'title'],
    ]
    const before = (await timeline(rep1, `/api/v1/deals/${ids.deal}`)).data.length
    for (const [body, path] of cases) {
      const answer = await rep1.post('/api/v1/activities', { dealId: ids.deal, ...body })
      expect(answer.status, JSON.stringify(body)).toBe(400)
      expect(answer.body.data.issues.map((i: Json) => i.path)).toContain(path)
    }
    expect((await timeline(rep1, `/api/v1/deals/${ids.deal}`)).data.length).toBe(before)
  })

  it('takes a meeting\'s title and attendees of the deal\'s account, and refuses anyone else by index', async () => {
    const logged = await rep1.post('/api/v1/activities', {
      type: 'meeting_held', dealId: ids.deal, title: 'Pricing review', attendeeIds: [ids.priya, ids.tom],
    })
    expect(logged.status).toBe(201)
    for (const [attendeeIds, path] of [[[ids.priya, ids.hidden], 'attendeeIds.1'], [[ids.outsider], 'attendeeIds.0']] as const) {
      const answer = await rep1.post('/api/v1/activities', { type: 'meeting_held', dealId: ids.deal, attendeeIds })
      expect(answer.status).toBe(400)
      expect(answer.body.data.issues.map((i: Json) => i.path)).toEqual([path])
    }
    expect((await rep1.post('/api/v1/activities', { type: 'meeting_held', dealId: ids.deal, attendeeIds: ['priya'] })).body.data.issues)
      .toEqual([expect.objectContaining({ path: 'attendeeIds.0' })])
  })
})

describe('the names a timeline refers to', () => {
  it('resolves people, attendees, stages, deals, mentions and tracked messages in one answer', async () => {
    await rep1.post(`/api/v1/deals/${ids.deal}/stage`, { to: 'contacted' })
    await rep1.patch(`/api/v1/deals/${ids.deal}`, { amount: 13650, ownerId: ids.rep1 })
    await rep1.post('/api/v1/activities', { type: 'note', dealId: ids.deal, body: '@quincy can you cover the demo?' })
    const messageId = `<${unique('m')}@atlas.test>`
    await rep1.post('/api/v1/activities', {
      type: 'email_sent', dealId: ids.deal, contactId: ids.priya, subject: 'Pricing for Atlas', messageId,
    })
    const opened = await rep1.post('/api/v1/events', {
      type: 'email_opened', occurredAt: new Date().toISOString(), source: 'tracker', externalId: unique('open'),
      subject: { dealId: ids.deal }, metadata: { messageId },
    })
    expect(opened.status).toBe(200)

    const { data, refs } = await timeline(rep1, `/api/v1/deals/${ids.deal}`)
    expect(refs.users).toMatchObject({ [ids.rep1!]: 'Odile Marchetti', [ids.rep2!]: 'Quincy Doe' })
    expect(refs.mentions).toEqual({ quincy: ids.rep2 })
    expect(refs.contacts).toMatchObject({ [ids.priya!]: 'Priya Patel', [ids.tom!]: 'Tom Kim' })
    expect(refs.deals).toEqual({ [ids.deal!]: { name: 'Atlas Labs — Platform', currency: 'EUR' } })
    expect(refs.stages).toMatchObject({ new: 'New', contacted: 'Contacted' })
    expect(refs.messages[messageId.slice(1, -1)]).toMatchObject({ subject: 'Pricing for Atlas' })
    expect(data.find(e => e.type === 'deal_updated').metadata.changes.amount).toEqual({ from: 19500, to: 13650 })

    // The account's and the contact's timelines answer the names the same way.
    const account = await timeline(rep1, `/api/v1/accounts/${ids.account}`)
    expect(account.refs.deals[ids.deal!].name).toBe('Atlas Labs — Platform')
    const person = await timeline(rep1, `/api/v1/contacts/${ids.priya}`)
    expect(person.refs.contacts[ids.priya!]).toBe('Priya Patel')
  })

  it('never names a contact, deal or message the reader may not see, though the event names it', async () => {
    // Rep two's email on their own deal, and an event on rep one's deal that names rep two's records.
    const secretMessage = `<${unique('secret')}@secret.test>`
    await rep2.post('/api/v1/activities', {
      type: 'email_sent', dealId: ids.hiddenDeal, contactId: ids.hidden, subject: 'SECRETSUBJECT renewal', messageId: secretMessage,
    })
    const posted = await admin.post('/api/v1/events', {
      events: [
        {
          type: 'meeting_held', occurredAt: new Date().toISOString(), source: 'calendar', externalId: unique('cal'),
          subject: { dealId: ids.deal }, metadata: { title: 'Joint session', attendeeIds: [ids.priya, ids.hidden] },
        },
        {
          type: 'email_opened', occurredAt: new Date().toISOString(), source: 'tracker', externalId: unique('open'),
          subject: { dealId: ids.deal }, metadata: { messageId: secretMessage },
        },
      ],
    })
    expect(posted.status).toBe(200)

    const mine = await timeline(rep1, `/api/v1/deals/${ids.deal}`)
    expect(mine.data.find(e => e.metadata.title === 'Joint session').metadata.attendeeIds).toContain(ids.hidden)
    expect(mine.refs.contacts[ids.priya!]).toBe('Priya Patel')
    expect(mine.refs.contacts[ids.hidden!]).toBeUndefined()
    expect(mine.refs.messages[secretMessage.slice(1, -1)]).toBeUndefined()
    const text = JSON.stringify(mine)
    expect(text).not.toContain('Secretperson')
    expect(text).not.toContain('SECRETSUBJECT')
    expect(text).not.toContain('Secret Corp')

    // The admin sees everyone: the same rows resolve in full.
    const all = await timeline(admin, `/api/v1/deals/${ids.deal}`)
    expect(all.refs.contacts[ids.hidden!]).toBe('Hidalgo Secretperson')
    expect(all.refs.messages[secretMessage.slice(1, -1)]).toMatchObject({ subject: 'SECRETSUBJECT renewal' })
  })
})
