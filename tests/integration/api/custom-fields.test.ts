import { describe, expect, inject, it } from 'vitest'
import { signUp } from '../../support/http'

const baseURL = inject('baseURL')

describe('custom fields', () => {
  it('lets an admin define fields per record type, and validates records against them', async () => {
    const { client } = await signUp(baseURL)
    const defined = await client.request('PUT', '/api/v1/custom-fields/deal', { fields: [
      { key: 'region', label: 'Region', type: 'select', options: ['emea', 'amer'], required: true },
      { key: 'seats', label: 'Seats', type: 'number' },
    ] })
    expect(defined.status).toBe(200)
    expect((await client.get('/api/v1/custom-fields')).body.data.deal.map((f: { key: string }) => f.key)).toEqual(['region', 'seats'])

    const missing = await client.post('/api/v1/deals', { name: 'No region', amount: 1 })
    expect(missing.status).toBe(400)
    expect(missing.body.data.issues).toEqual([{ path: 'custom.region', message: 'Region is required' }])
    const deal = await client.post('/api/v1/deals', { name: 'EMEA deal', amount: 1, custom: { region: 'emea', seats: 12 } })
    expect(deal.body.custom).toEqual({ region: 'emea', seats: 12 })
    const patched = await client.patch(`/api/v1/deals/${deal.body.id}`, { custom: { seats: 20 } })
    expect(patched.body.custom).toEqual({ region: 'emea', seats: 20 })
    const bad = await client.patch(`/api/v1/deals/${deal.body.id}`, { custom: { seats: 'many', color: 'red' } })
    expect(bad.body.data.issues).toEqual([
      { path: 'custom.seats', message: 'must be a number' },
      { path: 'custom.color', message: 'no such field' },
    ])
    expect((await client.get(`/api/v1/deals/${deal.body.id}`)).body).not.toHaveProperty('custom.color')

    const account = await client.post('/api/v1/accounts', { name: 'Acme', custom: { tier: 'gold' } })
    expect(account.body.data.issues).toEqual([{ path: 'custom.tier', message: 'no such field' }])
    expect(
      (await client.request('PUT', '/api/v1/custom-fields/deal', { fields: [{ key: 'x', label: 'X', type: 'select' }] })).body.data.issues,
    ).toEqual([{ path: 'fields.0.options', message: 'a select field needs options' }])
  })
})
