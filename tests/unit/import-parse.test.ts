import { describe, expect, it } from 'vitest'
import { DEFAULT_STAGES } from '../../server/domain/deals/stages'
import { placeholderEmail } from '../../server/domain/records/owners'
import {
  checkMapping,
  ImportOptionsSchema,
  parseAmount,
  parseContactRow,
  parseDay,
  parseDealRow,
  parseEventRow,
  resolveStage,
  type ParseContext,
} from '../../server/domain/imports/parse'
import { csvCells, guessColumn } from '../../shared/utils/imports'

describe('dates in import files', () => {
  it('reads ISO 8601, M/D/YYYY and D.M.YYYY, and an empty cell as no date', () => {
    expect(parseDay('2017-03-01')).toBe('2017-03-01')
    expect(parseDay('2017-03-01T10:00:00Z')).toBe('2017-03-01')
    expect(parseDay('3/1/2017')).toBe('2017-03-01')
    expect(parseDay('1.3.2017')).toBe('2017-03-01')
    expect(parseDay('  ')).toBeNull()
  })

  it('lets dateFormat settle which of day and month comes first', () => {
    expect(parseDay('3/1/2017', 'dmy')).toBe('2017-01-03')
    expect(parseDay('3/1/2017', 'mdy')).toBe('2017-03-01')
    expect(parseDay('2017-03-01', 'dmy')).toBeInstanceOf(Error)
  })

  it('refuses impossible and unreadable dates with the value in the message', () => {
    expect((parseDay('13/1/2017') as Error).message).toBe('"13/1/2017" is not a date (set dateFormat if days come first)')
    expect(parseDay('2017-02-30')).toBeInstanceOf(Error)
    expect((parseDay('next week') as Error).message).toMatch(/^"next week" is not a date/)
  })
})

describe('amounts in import files', () => {
  it('reads plain, grouped and currency-marked amounts', () => {
    expect(parseAmount('1054')).toBe(1054)
    expect(parseAmount('1,054.50')).toBe(1054.5)
    expect(parseAmount('$1 054')).toBe(1054)
    expect(parseAmount('')).toBeNull()
  })

  it('refuses text and absurd sizes', () => {
    expect(parseAmount('ten')).toBeInstanceOf(Error)
    expect(parseAmount('1e15')).toBeInstanceOf(Error)
    expect(parseAmount('10000000000000')).toBeInstanceOf(Error)
  })
})

describe('stages and mappings', () => {
  it('maps a file\'s stage through the stage map, else by key or name in any case', () => {
    expect((resolveStage('Engaging', DEFAULT_STAGES, { engaging: 'qualified' }) as { key: string }).key).toBe('qualified')
    expect((resolveStage('NEGOTIATION', DEFAULT_STAGES) as { key: string }).key).toBe('negotiation')
    expect((resolveStage('Won', DEFAULT_STAGES) as { key: string }).key).toBe('won')
    expect((resolveStage('Engaging', DEFAULT_STAGES, { Engaging: 'nope' }) as Error).message).toBe(
      'stageMap sends "Engaging" to "nope", which is not a stage of this pipeline',
    )
    expect((resolveStage('Maybe', DEFAULT_STAGES) as Error).message).toMatch(/^stage "Maybe" is not in the pipeline/)
  })

  it('checks a mapping against the targets, the custom fields and the header, naming each wrong option', () => {
    const options = ImportOptionsSchema.parse({ kind: 'deals', mapping: { externalId: 'id', stage: 'Stage', tier: 'Tier', colour: 'id' } })
    expect(checkMapping(options, ['id', 'Stage'], ['tier'])).toEqual([
      { path: 'mapping.tier', message: 'the file has no column "Tier"' },
      { path: 'mapping.colour', message: expect.stringMatching(/^not a deals field; one of externalId, .*tier$/) },
    ])
    expect(checkMapping(ImportOptionsSchema.parse({ kind: 'contacts', mapping: { phone: 'p' } }), ['p'], [])).toEqual([
      { path: 'mapping.email', message: 'required: map email or externalId' },
      { path: 'mapping.firstName', message: 'required: map firstName or email' },
    ])
  })
})

const ctx = (
  kind: 'deals' | 'contacts' | 'events',
  mapping: Record<string, string>,
  custom: ParseContext['customFields'] = [],
): ParseContext => ({ options: ImportOptionsSchema.parse({ kind, mapping }), stages: DEFAULT_STAGES, customFields: custom })

describe('rows', () => {
  const deals = ctx(
    'deals',
    { externalId: 'id', stage: 'stage', amount: 'v', accountName: 'acct', product: 'p', closeDate: 'c', tier: 'tier' },
    [{ key: 'tier', label: 'Tier', type: 'select', options: ['Gold', 'Silver'], required: false }],
  )

  it('names an unnamed deal after its account and product, and reads custom fields by their type', () => {
    const row = parseDealRow({ id: 'X1', stage: 'won', v: '', acct: 'Cancity', p: 'GTX Plus', c: '2017-03-01', tier: 'gold' }, deals)
    expect(row).toMatchObject({
      ok: true,
      value: {
        externalId: 'X1',
        name: 'Cancity — GTX Plus',
        amount: 0,
        closeDate: '2017-03-01',
        source: 'import',
        custom: { tier: 'Gold' },
      },
    })
    expect(parseDealRow({ id: 'X2', stage: 'new', acct: '', p: '' }, deals)).toMatchObject({
      ok: true,
      value: { name: 'Deal X2', accountName: null },
    })
  })

  it('takes the day a deal entered its stage when the file has it (days in stage are not counted from creation)', () => {
    const staged = ctx('deals', { externalId: 'id', stage: 'stage', createdAt: 'created', stageEnteredAt: 'entered' })
    expect(parseDealRow({ id: 'S1', stage: 'proposal', created: '2026-01-05', entered: '2026-03-20' }, staged)).toMatchObject({
      ok: true,
      value: { createdAt: '2026-01-05', stageEnteredAt: '2026-03-20' },
    })
    expect(parseDealRow({ id: 'S2', stage: 'proposal', created: '2026-01-05', entered: '' }, staged)).toMatchObject({
      ok: true,
      value: { stageEnteredAt: null },
    })
    expect(parseDealRow({ id: 'S3', stage: 'proposal', entered: 'soon' }, staged)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^stageEnteredAt: /),
    })
  })

  it('answers one clear message for a bad row', () => {
    expect(parseDealRow({ id: 'X3', stage: 'new', v: '-5' }, deals)).toEqual({ ok: false, message: 'amount: must not be negative' })
    expect(parseDealRow({ id: 'X4', stage: 'new', tier: 'Bronze' }, deals)).toEqual({
      ok: false,
      message: 'custom.tier must be one of Gold, Silver',
    })
    expect(parseContactRow({ e: 'nope' }, ctx('contacts', { email: 'e' }))).toEqual({
      ok: false,
      message: 'email: "nope" is not an email address',
    })
    expect(parseContactRow({ e: 'Ada@Example.test' }, ctx('contacts', { email: 'e' }))).toMatchObject({
      ok: true,
      value: { email: 'ada@example.test', firstName: 'Ada' },
    })
  })

  it('reads an event with a date-only time at midday UTC and keeps its details as metadata', () => {
    const row = parseEventRow(
      { id: 'A1', t: 'CALL', at: '2026-11-02', d: 'X1', m: '15' },
      ctx('events', { externalId: 'id', type: 't', occurredAt: 'at', dealExternalId: 'd', durationMinutes: 'm' }),
    )
    expect(row).toEqual({
      ok: true,
      value: {
        externalId: 'A1',
        type: 'call',
        occurredAt: new Date('2026-11-02T12:00:00Z'),
        dealExternalId: 'X1',
        contactEmail: null,
        accountName: null,
        actorEmail: null,
        metadata: { durationMinutes: 15 },
      },
    })
  })
})

describe('the import page\'s helpers and owner placeholders', () => {
  it('splits a quoted header row and guesses columns from common names', () => {
    const header = csvCells('opportunity_id,"Sales Agent","Close, Date",deal_stage')
    expect(header).toEqual(['opportunity_id', 'Sales Agent', 'Close, Date', 'deal_stage'])
    expect(guessColumn('externalId', header)).toBe('opportunity_id')
    expect(guessColumn('ownerName', header)).toBe('Sales Agent')
    expect(guessColumn('closeDate', header)).toBe('Close, Date')
    expect(guessColumn('stage', header)).toBe('deal_stage')
    expect(guessColumn('phone', header)).toBeUndefined()
  })

  it('gives an owner known only by name a stable, undeliverable address', () => {
    expect(placeholderEmail('Darcel Schlecht')).toMatch(/^darcel\.schlecht\.[0-9a-f]{6}@imported\.invalid$/)
    expect(placeholderEmail('Darcel Schlecht')).toBe(placeholderEmail(' darcel schlecht'))
    expect(placeholderEmail('Darcel Schlecht')).not.toBe(placeholderEmail('Darcel-Schlecht'))
  })
})
