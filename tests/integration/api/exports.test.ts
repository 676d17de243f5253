import { describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client } from '../../support/http'

const baseURL = inject('baseURL')
const [admin, , riley] = DEMO_LOGINS
const rowsOf = (csv: string) => csv.trim().split('\r\n')

describe('CSV exports', () => {
  it('streams the deals a rep may see, with a header, as CSV', async () => {
    const rep = await new Client(baseURL).login(riley.email, DEMO_PASSWORD)
    const listed = (await rep.get('/api/v1/deals?limit=500')).body.data as { id: string }[]
    const answer = await rep.get('/api/v1/exports/deals.csv')
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toContain('text/csv')
    const [header, ...rows] = rowsOf(answer.body)
    expect(header).toBe(
      'id,name,stage,amount,currency,close_date,owner_email,account,probability,forecast_category,source,external_id,created_at,custom',
    )
    expect(rows.length).toBeGreaterThanOrEqual(listed.length)
    expect(rows.every(r => r.includes(riley.email))).toBe(true)
    expect(new Set(rows.map(r => r.split(',')[0])).size).toBe(rows.length)
  })

  it('exports every account of the tenant for an admin, across pages, and records the export in the audit log', async () => {
    const client = await new Client(baseURL).login(admin.email, DEMO_PASSWORD)
    const [, ...rows] = rowsOf((await client.get('/api/v1/exports/accounts.csv')).body)
    expect(rows.length).toBeGreaterThanOrEqual(60)
    expect((await client.get('/api/v1/exports/notes.csv')).status).toBe(400)
    const audit = (await client.get('/api/v1/audit')).body.data as { action: string, targetType: string }[]
    expect(audit.some(e => e.action === 'data.exported' && e.targetType === 'accounts')).toBe(true)
  })
})
