import { readFile } from 'node:fs/promises'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../server/domain/demo/seed'
import { Client, signUp, type Json } from '../../support/http'
import { subscribe } from '../../support/stripe'

const baseURL = inject('baseURL')
const DATASET = new URL('../../fixtures/crm-sales-opportunities/sales_pipeline.csv', import.meta.url)
const DATASET_FIELDS = {
  kind: 'deals',
  mapping: JSON.stringify({
    externalId: 'opportunity_id',
    ownerName: 'sales_agent',
    product: 'product',
    accountName: 'account',
    stage: 'deal_stage',
    createdAt: 'engage_date',
    closeDate: 'close_date',
    amount: 'close_value',
  }),
  stageMap: JSON.stringify({ Prospecting: 'new', Engaging: 'qualified', Won: 'won', Lost: 'lost' }),
}

let admin: Client
beforeAll(async () => {
  const signedUp = await signUp(baseURL)
  admin = signedUp.client
  await subscribe(baseURL, signedUp.tenant.id) // the free plan stops at 100 open deals
})

/** Polls an import until it ends, keeping every state it was seen in. */
async function finish(client: Client, id: string) {
  const seen: Json[] = []
  for (let i = 0; i < 600; i++) {
    const answer = await client.get(`/api/v1/imports/${id}`)
    expect(answer.status).toBe(200)
    seen.push(answer.body)
    if (answer.body.status === 'done' || answer.body.status === 'failed') return seen
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`import ${id} did not finish`)
}

describe('CSV import over HTTP', () => {
  it(
    'streams the public data set up as multipart, reports progress, and ends with its 8,800 deals; a second upload creates nothing',
    { timeout: 240_000 },
    async () => {
      const file = { name: 'sales_pipeline.csv', content: new Blob([await readFile(DATASET)], { type: 'text/csv' }) }
      const started = await admin.upload('/api/v1/imports', DATASET_FIELDS, file)
      expect(started.status).toBe(202)
      const seen = await finish(admin, started.body.id)
      const last = seen.at(-1)
      expect(last).toMatchObject({
        kind: 'deals',
        fileName: 'sales_pipeline.csv',
        status: 'done',
        rowsTotal: 8800,
        rowsDone: 8800,
        created: 8800,
        errorCount: 0,
        errors: [],
      })
      // Progress only moves forward.
      const done = seen.map(s => s.rowsDone)
      expect(done).toEqual([...done].sort((x, y) => x - y))

      const csv = (await admin.get('/api/v1/exports/deals.csv')).body as string
      expect(csv.trim().split('\r\n')).toHaveLength(8801)

      const again = await admin.upload('/api/v1/imports', DATASET_FIELDS, file)
      expect((await finish(admin, again.body.id)).at(-1)).toMatchObject({ status: 'done', created: 0, updated: 0, skipped: 8800 })
      expect((await admin.get('/api/v1/imports')).body.data.map((i: Json) => i.id)).toEqual([again.body.id, started.body.id])
    },
  )

  it('answers row errors with their row numbers', async () => {
    const started = await admin.upload(
      '/api/v1/imports',
      { kind: 'deals', mapping: JSON.stringify({ externalId: 'id', stage: 'stage', amount: 'amount' }) },
      {
        name: 'small.csv',
        content: 'id,stage,amount\nS-1,new,100\nS-2,nowhere,100\nS-3,won,abc\n',
      },
    )
    expect(started.status).toBe(202)
    expect((await finish(admin, started.body.id)).at(-1)).toMatchObject({
      status: 'done', rowsTotal: 3, created: 1, errorCount: 2,
      errors: [{ row: 3, message: expect.stringContaining('stage "nowhere"') }, { row: 4, message: 'amount: "abc" is not an amount' }],
    })
  })

  it('refuses bad settings with 400 naming the field, and records no import', async () => {
    const content = { name: 'x.csv', content: 'id,Stage\n1,new\n' }
    const cases: [Record<string, string>, typeof content | undefined, string][] = [
      [{ kind: 'deals', mapping: JSON.stringify({ externalId: 'id', stage: 'stage' }) }, content, 'mapping.stage'],
      [{ kind: 'deals', mapping: JSON.stringify({ externalId: 'id' }) }, content, 'mapping.stage'],
      [{ kind: 'deals', mapping: JSON.stringify({ externalId: 'id', stage: 'Stage', color: 'id' }) }, content, 'mapping.color'],
      [{ kind: 'deals', mapping: '{not json' }, content, 'mapping'],
      [{ kind: 'notes', mapping: JSON.stringify({ name: 'id' }) }, content, 'kind'],
      [{ kind: 'deals', mapping: JSON.stringify({ externalId: 'id', stage: 'Stage' }), dateFormat: 'ydm' }, content, 'dateFormat'],
      [{ kind: 'deals', mapping: JSON.stringify({ externalId: 'id', stage: 'Stage' }) }, undefined, 'file'],
      [{ kind: 'deals', mapping: JSON.stringify({ externalId: 'id', stage: 'Stage' }) }, { name: 'empty.csv', content: '' }, 'file'],
    ]
    const before = (await admin.get('/api/v1/imports')).body.data.length
    for (const [fields, file, path] of cases) {
      const answer = await admin.upload('/api/v1/imports', fields, file)
      expect(answer.status, path).toBe(400)
      expect(answer.body.data.issues.map((i: Json) => i.path), JSON.stringify(fields)).toContain(path)
    }
    const json = await admin.post('/api/v1/imports', { kind: 'deals' })
    expect(json.status).toBe(400)
    expect(json.body.data.issues[0].path).toBe('file')
    expect((await admin.get('/api/v1/imports')).body.data).toHaveLength(before)
  })

  it('lets only admins import or read imports (403 for a rep)', async () => {
    const rep = await new Client(baseURL).login(DEMO_LOGINS[2].email, DEMO_PASSWORD)
    const answer = await rep.upload(
      '/api/v1/imports',
      { kind: 'accounts', mapping: JSON.stringify({ name: 'name' }) },
      { name: 'a.csv', content: 'name\nRep Co\n' },
    )
    expect(answer.status).toBe(403)
    expect((await rep.get('/api/v1/imports')).status).toBe(403)
  })
})
