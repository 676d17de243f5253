import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, unique, type Json } from '../../support/http'

const baseURL = inject('baseURL')
const [admin, , riley, sam] = DEMO_LOGINS
const as = (login: { email: string }) => new Client(baseURL).login(login.email, DEMO_PASSWORD)

let rep: Client
let other: Client
beforeAll(async () => {
  rep = await as(riley)
  other = await as(sam)
})

describe('accounts and contacts', () => {
  it('sorts accounts by open value or newest, filters by industry, and contacts by latest activity, paging each once', async () => {
    const tag = unique('sorted').toLowerCase()
    const small = (await rep.post('/api/v1/accounts', { name: `${tag} small`, industry: `${tag}-ind` })).body
    const big = (await rep.post('/api/v1/accounts', { name: `${tag} big`, industry: `${tag}-ind` })).body
    await rep.post('/api/v1/accounts', { name: `${tag} other`, industry: 'elsewhere' })
    await rep.post('/api/v1/deals', { name: `${tag} d1`, amount: 100, accountId: small.id })
    await rep.post('/api/v1/deals', { name: `${tag} d2`, amount: 5000, accountId: big.id })
    const byValue = (await rep.get(`/api/v1/accounts?q=${tag}&industry=${tag}-ind&sort=openValue`)).body.data
    expect(byValue.map((a: Json) => [a.name, a.openValue])).toEqual([[`${tag} big`, '5000.00'], [`${tag} small`, '100.00']])
    const newest = (await rep.get(`/api/v1/accounts?q=${tag}&sort=createdAt&limit=2`)).body
    expect(newest.data.map((a: Json) => a.name)).toEqual([`${tag} other`, `${tag} big`])
    expect(
      (await rep.get(`/api/v1/accounts?q=${tag}&sort=createdAt&limit=2&cursor=${newest.nextCursor}`)).body.data.map((a: Json) => a.name),
    ).toEqual([`${tag} small`])

    const quiet = (await rep.post('/api/v1/contacts', { firstName: 'Quiet', lastName: tag })).body
    const busy = (await rep.post('/api/v1/contacts', { firstName: 'Busy', lastName: tag })).body
    await rep.post('/api/v1/activities', { type: 'call', contactId: busy.id, outcome: 'connected' })
    const recent = (await rep.get(`/api/v1/contacts?q=${tag}&sort=lastActivity`)).body.data
    expect(recent.map((c: Json) => c.id)).toEqual([busy.id, quiet.id])
    expect(recent[0].lastActivityAt).not.toBeNull()
    expect(recent[1].lastActivityAt).toBeNull()
    expect((await rep.get('/api/v1/contacts?sort=loudest')).status).toBe(400)
  })

  it('creates an account and a contact, finds them, and shows them together with the account\'s open deals', async () => {
    const name = unique('Initrode')
    const account = await rep.post('/api/v1/accounts', { name, domain: 'Initrode.example', industry: 'software' })
    expect(account.status).toBe(201)
    expect(account.body).toMatchObject({ name, domain: 'initrode.example' })
    const contact = await rep.post('/api/v1/contacts', {
      firstName: 'Bill',
      lastName: 'Lumbergh',
      email: `Bill.${name}@Initrode.example`,
      accountId: account.body.id,
    })
    expect(contact.status).toBe(201)
    const deal = (
      await rep.post('/api/v1/deals', { name: `${name} deal`, amount: 900, accountId: account.body.id, contactIds: [contact.body.id] })
    ).body

    expect((await rep.get(`/api/v1/accounts?q=${name.toLowerCase()}`)).body.data.map((a: Json) => a.id)).toEqual([account.body.id])
    expect((await rep.get(`/api/v1/contacts?q=bill.${name.toLowerCase()}`)).body.data.map((c: Json) => c.id)).toEqual([contact.body.id])
    const full = (await rep.get(`/api/v1/accounts/${account.body.id}`)).body
    expect(full.contacts.map((c: Json) => c.id)).toEqual([contact.body.id])
    expect(full.openDeals.map((d: Json) => d.id)).toEqual([deal.id])
    expect(full.recentEvents.map((e: Json) => e.type)).toContain('deal_created')
    const accountTimeline = (await rep.get(`/api/v1/accounts/${account.body.id}/timeline`)).body
    expect(accountTimeline.data.map((e: Json) => [e.type, e.dealId])).toEqual([['deal_created', deal.id]])
    await rep.post('/api/v1/activities', { type: 'call', contactId: contact.body.id, durationSeconds: 60, outcome: 'voicemail' })
    const contactTimeline = (await rep.get(`/api/v1/contacts/${contact.body.id}/timeline`)).body.data
    expect(contactTimeline.map((e: Json) => [e.type, e.dealId])).toEqual([['call', deal.id]])
    const person = (await rep.get(`/api/v1/contacts/${contact.body.id}`)).body
    expect(person).toMatchObject({
      email: `bill.${name.toLowerCase()}@initrode.example`,
      account: { id: account.body.id },
      deals: [{ id: deal.id }],
    })
  })

  it('updates and deletes; a deleted account leaves its deals without it', async () => {
    const account = (await rep.post('/api/v1/accounts', { name: unique('Gone Inc') })).body
    const deal = (await rep.post('/api/v1/deals', { name: 'Orphan', amount: 1, accountId: account.id })).body
    expect((await rep.patch(`/api/v1/accounts/${account.id}`, { industry: 'retail' })).body.industry).toBe('retail')
    expect((await rep.delete(`/api/v1/accounts/${account.id}`)).status).toBe(204)
    expect((await rep.get(`/api/v1/accounts/${account.id}`)).status).toBe(404)
    expect((await rep.get(`/api/v1/deals/${deal.id}`)).body.accountId).toBeNull()
  })

  it('refuses bad input with the field named', async () => {
    expect((await rep.post('/api/v1/accounts', { name: 'X', domain: 'not a domain' })).body.data.issues).toEqual([
      { path: 'domain', message: 'a domain such as example.com' },
    ])
    expect((await rep.post('/api/v1/contacts', { firstName: '', email: 'nope' })).body.data.issues.map((i: Json) => i.path).sort()).toEqual(
      ['email', 'firstName'],
    )
    expect((await rep.patch('/api/v1/contacts/00000000-0000-4000-8000-000000000000', {})).status).toBe(400)
  })

  it('shows a rep the accounts they own or sell to, and 404 for another rep\'s', async () => {
    const samsAccount = (await other.post('/api/v1/accounts', { name: unique('Sam Co') })).body
    const samsContact = (await other.post('/api/v1/contacts', { firstName: 'Only', lastName: 'Sam', accountId: samsAccount.id })).body
    expect((await rep.get(`/api/v1/accounts/${samsAccount.id}`)).status).toBe(404)
    expect((await rep.get(`/api/v1/contacts/${samsContact.id}`)).status).toBe(404)
    expect((await rep.patch(`/api/v1/contacts/${samsContact.id}`, { title: 'x' })).status).toBe(404)
    expect((await (await as(admin)).get(`/api/v1/accounts/${samsAccount.id}`)).status).toBe(200)
    const mine = (await rep.get('/api/v1/accounts?limit=500')).body.data as Json[]
    expect(mine.map(a => a.id)).not.toContain(samsAccount.id)
  })

  it('pages accounts by name with a cursor, each once', async () => {
    const client = await as(admin)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: Json = (await client.get(`/api/v1/accounts?limit=7${cursor ? `&cursor=${cursor}` : ''}`)).body
      seen.push(...page.data.map((a: Json) => a.name.toLowerCase()))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen.length).toBeGreaterThanOrEqual(60)
    expect(seen).toEqual([...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
  })
})
