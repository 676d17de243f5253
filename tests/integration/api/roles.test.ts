import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, type Json } from '../../support/http'

const baseURL = inject('baseURL')
const [admin, manager, riley, sam] = DEMO_LOGINS
const as = (login: { email: string }) => new Client(baseURL).login(login.email, DEMO_PASSWORD)

let everyDeal: Json[]
let people: Json[]
beforeAll(async () => {
  const client = await as(admin)
  everyDeal = (await client.get('/api/v1/deals?limit=500')).body.data
  people = (await client.get('/api/v1/users')).body.data
})
const idOf = (email: string) => people.find(p => p.email === email).id

// Other test files add deals to this tenant while these run, so each check compares with the
// admin's list taken earlier: deals are never deleted, so what existed then must be seen now.
describe('visibility by role', () => {
  it('shows an admin every deal of the tenant, of every owner', () => {
    expect(everyDeal.length).toBeGreaterThanOrEqual(300)
    expect(new Set(everyDeal.map(d => d.ownerId)).size).toBeGreaterThanOrEqual(3)
  })

  it('shows a rep only the deals they own, and 404 for another rep\'s deal', async () => {
    const client = await as(riley)
    const mine = (await client.get('/api/v1/deals?limit=500')).body.data
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.every((d: Json) => d.ownerId === idOf(riley.email))).toBe(true)
    const mineIds = new Set(mine.map((d: Json) => d.id))
    expect(everyDeal.filter(d => d.ownerId === idOf(riley.email)).every(d => mineIds.has(d.id))).toBe(true)
    const samsDeal = everyDeal.find(d => d.ownerId === idOf(sam.email))
    expect((await client.get(`/api/v1/deals/${samsDeal.id}`)).status).toBe(404)
  })

  it('shows a manager the deals of their team', async () => {
    const client = await as(manager)
    const seen = (await client.get('/api/v1/deals?limit=500')).body.data
    const team = new Set(people.filter(p => p.role === 'rep').map(p => p.id))
    const seenIds = new Set(seen.map((d: Json) => d.id))
    expect(seen.every((d: Json) => team.has(d.ownerId))).toBe(true)
    expect(everyDeal.filter(d => team.has(d.ownerId)).every(d => seenIds.has(d.id))).toBe(true)
    const samsDeal = everyDeal.find(d => d.ownerId === idOf(sam.email))
    expect((await client.get(`/api/v1/deals/${samsDeal.id}`)).status).toBe(200)
  })

  it('gives a rep 403 on admin routes', async () => {
    const client = await as(riley)
    expect((await client.get('/api/v1/api-keys')).status).toBe(403)
    expect((await client.post('/api/v1/users', { email: 'new@demo.test', name: 'New', role: 'rep' })).status).toBe(403)
    expect((await client.patch(`/api/v1/users/${idOf(riley.email)}`, { role: 'admin' })).status).toBe(403)
    expect((await client.get('/api/v1/audit')).status).toBe(403)
  })
})
