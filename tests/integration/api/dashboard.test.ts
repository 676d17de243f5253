import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, type Json } from '../../support/http'

const baseURL = inject('baseURL')
const [, managerLogin, riley, sam] = DEMO_LOGINS
const as = (login: { email: string }) => new Client(baseURL).login(login.email, DEMO_PASSWORD)

let rep: Client
let other: Client
let manager: Client
let rileyId: string
beforeAll(async () => {
  rep = await as(riley)
  other = await as(sam)
  manager = await as(managerLogin)
  rileyId = (await rep.get('/api/auth/me')).body.user.id
})

/** Reads the caller's live stream while `act` runs; answers what arrived. */
async function listen(client: Client, act: () => Promise<unknown>) {
  const controller = new AbortController()
  const response = await fetch(`${baseURL}/api/v1/stream`, { headers: { cookie: client.cookieHeader() }, signal: controller.signal })
  const reader = response.body!.getReader()
  let text = ''
  let started = false
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
      if (text.includes('event: ready') && !started) {
        started = true
        await act()
        setTimeout(() => controller.abort(), 700)
      }
    }
  })().catch(() => undefined)
  await reading
  return text
}

describe('the dashboard', () => {
  it('answers a rep\'s screen in one call: their own board with momentum, focus, alerts, activity and the forecast headline', async () => {
    const answer = await rep.get('/api/v1/dashboard')
    expect(answer.status).toBe(200)
    const board = answer.body.board as Json[]
    expect(board.map(c => c.stage)).toEqual(['new', 'contacted', 'qualified', 'proposal', 'negotiation', 'won', 'lost'])
    const cards = board.flatMap(c => c.cards)
    expect(cards.length).toBeGreaterThan(10)
    expect(cards.every(c => c.ownerId === rileyId)).toBe(true)
    expect(cards.filter(c => c.state).length).toBeGreaterThan(cards.length / 2)
    expect(answer.body.focus.length).toBeLessThanOrEqual(8)
    expect(answer.body.alerts.every((a: Json) => a.deal.ownerId === rileyId)).toBe(true)
    expect(answer.body.forecast).toMatchObject({ period: expect.stringMatching(/^\d{4}-Q[1-4]$/) })
    expect(
      (await manager.get(`/api/v1/dashboard?ownerId=${rileyId}`)).body.board
        .flatMap((c: Json) => c.cards)
        .every((c: Json) => c.ownerId === rileyId),
    ).toBe(true)
  })

  it('streams changes to the deals the caller sees, and nothing about the others', async () => {
    const mine = (await rep.get('/api/v1/dashboard')).body.board
      .flatMap((c: Json) => c.cards)
      .find((c: Json) => !['won', 'lost'].includes(c.stage))
    const theirs = (await other.get('/api/v1/dashboard')).body.board
      .flatMap((c: Json) => c.cards)
      .find((c: Json) => !['won', 'lost'].includes(c.stage))
    const text = await listen(rep, async () => {
      await other.post('/api/v1/activities', { type: 'note', dealId: theirs.id, body: 'not for Riley' })
      await rep.post('/api/v1/activities', { type: 'note', dealId: mine.id, body: 'for Riley' })
    })
    expect(text).toContain('event: event.created')
    expect(text).toContain(mine.id)
    expect(text).not.toContain(theirs.id)
  })

  it('answers the same screen again from the cache, and forgets it as soon as a deal moves, '
    + 'an alert is dismissed or a deal is renamed', async () => {
    const cardsOf = (body: Json) => (body.board as Json[]).flatMap(c => c.cards) as Json[]
    const read = () => other.get('/api/v1/dashboard')
    const first = await read()
    const again = await read()
    expect(again.headers.get('x-momentum-cache')).toBe('hit')
    expect(again.body).toEqual(first.body)

    // A move is an event: every process forgets the tenant's screens (through NOTIFY), so the next read shows it.
    const card = cardsOf(first.body).find(c => c.stage === 'new')!
    expect((await other.post(`/api/v1/deals/${card.id}/stage`, { to: 'contacted' })).status).toBe(200)
    await expect.poll(async () => cardsOf((await read()).body).find(c => c.id === card.id)?.stage, { timeout: 3000 }).toBe('contacted')

    const alert = (await read()).body.alerts[0]
    expect(alert).toBeDefined()
    expect((await other.post(`/api/v1/alerts/${alert.id}/dismiss`)).status).toBe(200)
    await expect.poll(async () => ((await read()).body.alerts as Json[]).some(a => a.id === alert.id), { timeout: 3000 }).toBe(false)

    // A rename writes no event, but the process that made it forgets at commit: the very next read shows it.
    const named = cardsOf((await read()).body)[0]!
    expect((await read()).headers.get('x-momentum-cache')).toBe('hit')
    expect((await other.patch(`/api/v1/deals/${named.id}`, { name: 'Renamed on the spot' })).status).toBe(200)
    const next = await read()
    expect(next.headers.get('x-momentum-cache')).toBe('miss')
    expect(cardsOf(next.body).find(c => c.id === named.id)?.name).toBe('Renamed on the spot')

    // Another rep's cached screen is theirs alone.
    expect(cardsOf((await rep.get('/api/v1/dashboard')).body).every(c => c.ownerId === rileyId)).toBe(true)
  })
})
