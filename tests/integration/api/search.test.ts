import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, unique, type Json } from '../../support/http'

const baseURL = inject('baseURL')
const [, , riley, sam] = DEMO_LOGINS
let rep: Client
let other: Client
beforeAll(async () => {
  rep = await new Client(baseURL).login(riley.email, DEMO_PASSWORD)
  other = await new Client(baseURL).login(sam.email, DEMO_PASSWORD)
})
const find = async (client: Client, q: string) => (await client.get(`/api/v1/search?q=${encodeURIComponent(q)}`)).body.data as Json[]

describe('search', () => {
  it('finds accounts, contacts and deals by name, despite a typo, best match first', async () => {
    const name = `Zephyrine ${unique('Logistics')}`
    const account = (await rep.post('/api/v1/accounts', { name })).body
    const contact = (
      await rep.post('/api/v1/contacts', {
        firstName: 'Quentin',
        lastName: 'Marchetti',
        email: `q.marchetti@${unique('zeph')}.example`,
        accountId: account.id,
      })
    ).body
    const deal = (await rep.post('/api/v1/deals', { name: `${name} rollout`, amount: 1, accountId: account.id })).body

    const exact = await find(rep, name)
    expect(exact[0]).toMatchObject({ type: 'account', id: account.id })
    expect(exact.map(h => h.id)).toContain(deal.id)
    expect((await find(rep, 'Zephyrene')).map(h => h.id)).toContain(account.id)
    expect((await find(rep, 'quentin marchet'))[0]).toMatchObject({ type: 'contact', id: contact.id })
    expect((await find(rep, 'q.marchetti@'))[0]).toMatchObject({ type: 'contact', id: contact.id })
  })

  it('finds notes by their words, and never what the caller may not see', async () => {
    const deal = (await other.post('/api/v1/deals', { name: unique('Sam secret'), amount: 1 })).body
    await other.post('/api/v1/activities', { type: 'note', dealId: deal.id, body: 'Procurement wants a quasquicentennial discount' })
    expect((await find(other, 'quasquicentennial'))).toEqual([expect.objectContaining({ type: 'note', dealId: deal.id })])
    expect(await find(rep, 'quasquicentennial')).toEqual([])
    expect((await find(rep, deal.name)).map(h => h.id)).not.toContain(deal.id)
  })

  it('asks for at least two characters', async () => {
    const answer = await rep.get('/api/v1/search?q=a')
    expect(answer.status).toBe(400)
    expect(answer.body.data.issues).toEqual([{ path: 'q', message: 'at least 2 characters' }])
  })
})
