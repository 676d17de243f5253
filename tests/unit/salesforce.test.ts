import { describe, expect, it } from 'vitest'
import { DEFAULT_STAGES } from '../../server/domain/deals/stages'
import { checkInstanceUrl } from '../../server/domain/integrations/salesforce/connections'
import {
  ApiLimitPause,
  backoffMs,
  describeError,
  isTransient,
  nearLimit,
  needsReauth,
  usageFromLimits,
} from '../../server/domain/integrations/salesforce/faults'
import {
  DEFAULT_STAGE_MAP,
  domainOf,
  incrementalQuery,
  kindOfId,
  mapAccount,
  mapContact,
  mapEvent,
  mapForecastCategory,
  mapOpportunity,
  mapStage,
  mapTask,
  sfDate,
  usersQuery,
} from '../../server/domain/integrations/salesforce/map'

const stages = DEFAULT_STAGES.map(s => ({ key: s.key, kind: s.kind, probability: s.probability }))
const base = { Id: '006000000000001AAA', SystemModstamp: '2026-03-01T09:30:00.000+0000' }

describe('Salesforce stage mapping', () => {
  it('maps every standard StageName to the default pipeline', () => {
    const mapped = Object.fromEntries(
      Object.keys(DEFAULT_STAGE_MAP).map(name => [
        name,
        mapStage({ stageName: name, isClosed: name.startsWith('Closed'), isWon: name === 'Closed Won', probability: null }, {}, stages),
      ]),
    )
    expect(mapped).toEqual({
      'Prospecting': 'new',
      'Qualification': 'contacted',
      'Needs Analysis': 'qualified',
      'Value Proposition': 'qualified',
      'Id. Decision Makers': 'proposal',
      'Perception Analysis': 'proposal',
      'Proposal/Price Quote': 'proposal',
      'Negotiation/Review': 'negotiation',
      'Closed Won': 'won',
      'Closed Lost': 'lost',
    })
  })

  it('lets the tenant map override the defaults, and ignores mappings to stages the pipeline lacks', () => {
    expect(
      mapStage({ stageName: 'Qualification', isClosed: false, isWon: false, probability: 10 }, { Qualification: 'qualified' }, stages),
    ).toBe('qualified')
    expect(
      mapStage({ stageName: 'Qualification', isClosed: false, isWon: false, probability: 10 }, { Qualification: 'nope' }, stages),
    ).toBe('contacted')
  })

  it('places an unknown stage by meaning: won, lost, or the open stage of nearest probability', () => {
    expect(mapStage({ stageName: 'Signed', isClosed: true, isWon: true, probability: 100 }, {}, stages)).toBe('won')
    expect(mapStage({ stageName: 'Dead', isClosed: true, isWon: false, probability: 0 }, {}, stages)).toBe('lost')
    expect(mapStage({ stageName: 'Legal review', isClosed: false, isWon: false, probability: 70 }, {}, stages)).toBe('negotiation')
    expect(mapStage({ stageName: null, isClosed: false, isWon: false, probability: null }, {}, stages)).toBe('new')
  })
})

describe('Salesforce record mapping', () => {
  it('maps an Opportunity to a deal: amount, close date, probability, forecast category, references', () => {
    const deal = mapOpportunity(
      {
        ...base,
        Name: 'Acme renewal',
        AccountId: '001000000000001AAA',
        Amount: 12_500.5,
        CloseDate: '2026-06-30',
        StageName: 'Proposal/Price Quote',
        Probability: 75,
        ForecastCategoryName: 'Best Case',
        IsClosed: false,
        IsWon: false,
        OwnerId: '005000000000001AAA',
        Type: 'New Customer',
        CreatedDate: '2026-01-02T08:00:00.000+0000',
        LastStageChangeDate: '2026-02-01T08:00:00.000+0000',
      },
      {},
      stages,
    )
    expect(deal).toEqual({
      externalId: base.Id,
      name: 'Acme renewal',
      accountSfId: '001000000000001AAA',
      ownerSfId: '005000000000001AAA',
      stage: 'proposal',
      amount: '12500.50',
      closeDate: '2026-06-30',
      probability: 75,
      forecastCategory: 'best_case',
      product: 'New Customer',
      createdAt: new Date('2026-01-02T08:00:00Z'),
      stageChangedAt: new Date('2026-02-01T08:00:00Z'),
      modifiedAt: new Date('2026-03-01T09:30:00Z'),
    })
    expect(
      mapOpportunity(
        { ...base, Name: null, Amount: null, CloseDate: 'soon', StageName: 'Closed Won', IsClosed: true, IsWon: true },
        {},
        stages,
      ),
    ).toMatchObject({ name: base.Id, amount: '0.00', closeDate: null, stage: 'won', probability: null, forecastCategory: null })
  })

  it('maps Accounts and Contacts, with the website as domain and emails in lower case', () => {
    expect(mapAccount({ ...base, Id: '001A', Name: ' Acme ', Website: 'www.Acme.com/about', Industry: 'Software', OwnerId: '005B' }))
      .toEqual({ externalId: '001A', name: 'Acme', domain: 'acme.com', industry: 'Software', ownerSfId: '005B' })
    expect(
      mapContact({
        ...base,
        Id: '003A',
        FirstName: null,
        LastName: 'Lovelace',
        Email: 'Ada@Example.COM',
        AccountId: '001A',
        OwnerId: '005B',
      }),
    ).toMatchObject({ externalId: '003A', firstName: '', lastName: 'Lovelace', email: 'ada@example.com', accountSfId: '001A' })
    expect(domainOf('not a url at all')).toBeNull()
  })

  it('maps Tasks to calls, emails and completed tasks, and leaves open tasks out', () => {
    const call = mapTask({
      ...base,
      Id: '00TA',
      TaskSubtype: 'Call',
      Subject: 'Intro',
      CompletedDateTime: '2026-03-01T10:00:00.000+0000',
      CallDurationInSeconds: 300,
      WhoId: '003A',
      WhatId: '006A',
      OwnerId: '005B',
    })
    expect(call).toEqual({
      externalId: 'Task:00TA',
      type: 'call',
      occurredAt: new Date('2026-03-01T10:00:00Z'),
      ownerSfId: '005B',
      who: '003A',
      what: '006A',
      accountSfId: null,
      metadata: { subject: 'Intro', salesforceId: '00TA', durationSeconds: 300, outcome: null },
    })
    expect(mapTask({ ...base, Id: '00TB', TaskSubtype: 'Email', ActivityDate: '2026-03-02' })).toMatchObject({
      type: 'email_sent',
      occurredAt: new Date('2026-03-02T00:00:00Z'),
    })
    expect(
      mapTask({ ...base, Id: '00TC', TaskSubtype: 'Task', IsClosed: true, CreatedDate: '2026-03-03T00:00:00.000+0000' }),
    ).toMatchObject({ type: 'task_completed' })
    expect(mapTask({ ...base, Id: '00TD', TaskSubtype: 'Task', IsClosed: false })).toBeNull()
  })

  it('maps Events to held meetings once they started, scheduled ones before', () => {
    const now = new Date('2026-03-10T00:00:00Z')
    expect(
      mapEvent({ ...base, Id: '00UA', StartDateTime: '2026-03-09T15:00:00.000+0000', CreatedDate: '2026-03-01T00:00:00.000+0000' }, now),
    ).toMatchObject({ externalId: 'Event:00UA:held', type: 'meeting_held', occurredAt: new Date('2026-03-09T15:00:00Z') })
    expect(
      mapEvent({ ...base, Id: '00UB', StartDateTime: '2026-03-20T15:00:00.000+0000', CreatedDate: '2026-03-01T00:00:00.000+0000' }, now),
    ).toMatchObject({ externalId: 'Event:00UB:scheduled', type: 'meeting_scheduled', occurredAt: new Date('2026-03-01T00:00:00Z') })
    expect(mapEvent({ ...base, Id: '00UC', StartDateTime: null }, now)).toBeNull()
  })

  it('reads Salesforce dates, Id prefixes and forecast categories', () => {
    expect(sfDate('2026-03-01T09:30:00.000+0100')).toEqual(new Date('2026-03-01T08:30:00Z'))
    expect(sfDate('2026-03-01')).toEqual(new Date('2026-03-01T00:00:00Z'))
    expect(sfDate('nope')).toBeNull()
    expect([
      kindOfId('001000000000001'),
      kindOfId('003x00000000001'),
      kindOfId('006000000000001AAA'),
      kindOfId('00Q000000000001'),
      kindOfId('a0B000000000001'),
      kindOfId(null),
    ]).toEqual(['account', 'contact', 'deal', 'lead', null, null])
    expect(['Pipeline', 'Best Case', 'Commit', 'Closed', 'Omitted', 'Other'].map(mapForecastCategory)).toEqual([
      'pipeline',
      'best_case',
      'commit',
      'closed',
      'omitted',
      null,
    ])
  })
})

describe('Salesforce queries', () => {
  it('asks for changes since the watermark less the overlap, in SystemModstamp and Id order', () => {
    expect(incrementalQuery('Account', null, 300_000)).toBe(
      'SELECT Id, Name, Website, Industry, OwnerId, IsDeleted, SystemModstamp FROM Account ORDER BY SystemModstamp, Id',
    )
    expect(incrementalQuery('Account', new Date('2026-03-01T10:00:00Z'), 300_000)).toMatch(
      / FROM Account WHERE SystemModstamp > 2026-03-01T09:55:00Z ORDER BY SystemModstamp, Id$/,
    )
  })

  it('puts only well-formed Ids in the User query', () => {
    expect(usersQuery(['005000000000001AAA', '005\' OR Name != \'', '005000000000002'])).toBe(
      'SELECT Id, Email, Name, IsActive FROM User WHERE Id IN (\'005000000000001AAA\', \'005000000000002\')',
    )
  })
})

describe('Salesforce limits and faults', () => {
  it('reads the API usage from /limits, and holds off from the threshold', () => {
    expect(usageFromLimits({ DailyApiRequests: { Max: 15000, Remaining: 1000 } })).toEqual({ used: 14000, limit: 15000 })
    expect(usageFromLimits({})).toBeNull()
    expect([nearLimit({ used: 899, limit: 1000 }, 0.9), nearLimit({ used: 900, limit: 1000 }, 0.9), nearLimit(null, 0.9)]).toEqual([
      false,
      true,
      false,
    ])
  })

  it('backs off exponentially, capped', () => {
    expect([0, 1, 2, 3, 10].map(n => backoffMs(n, 500))).toEqual([500, 1000, 2000, 4000, 30_000])
  })

  it('retries server errors and network failures, not refusals; a refused grant needs an admin', () => {
    expect(isTransient({ errorCode: 'UNKNOWN_EXCEPTION', message: 'boom' })).toBe(true)
    expect(isTransient({ errorCode: 'ERROR_HTTP_503' })).toBe(true)
    expect(isTransient(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toBe(true)
    expect(isTransient({ errorCode: 'INVALID_FIELD', message: 'No such column' })).toBe(false)
    expect(needsReauth(Object.assign(new Error('expired access/refresh token'), { name: 'invalid_grant' }))).toBe(true)
    expect(needsReauth({ errorCode: 'UNKNOWN_EXCEPTION' })).toBe(false)
  })

  it('puts each error in words an admin can act on', () => {
    expect(describeError(Object.assign(new Error('expired access/refresh token'), { name: 'invalid_grant' }))).toMatch(
      /^Salesforce refused this connection's credentials \(invalid_grant: expired access\/refresh token\)\. An admin must reconnect it/,
    )
    expect(
      describeError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), {
        host: 'acme.my.salesforce.com',
        object: 'Contact',
        attempts: 4,
      }),
    ).toBe(
      'Could not reach Salesforce at acme.my.salesforce.com while reading Contact (ECONNREFUSED) after 4 tries. '
      + 'The next run resumes from the last committed page.',
    )
    expect(describeError({ errorCode: 'INVALID_FIELD', message: 'No such column \'Foo\'' }, { object: 'Account' })).toBe(
      'Salesforce refused a request while reading Account (INVALID_FIELD: No such column \'Foo\').',
    )
    expect(describeError(new ApiLimitPause({ used: 95_000, limit: 100_000 }, 0.9))).toMatch(
      /^Paused: Salesforce API usage is at 95% of the daily limit \(95,000 of 100,000\)/,
    )
  })
})

describe('Salesforce token responses', () => {
  const own = ['http://127.0.0.1:4010', 'https://login.salesforce.com']
  it('take an instance_url of the connection\'s own org or an https Salesforce domain', () => {
    expect(checkInstanceUrl('http://127.0.0.1:4010', own)).toBeNull()
    expect(checkInstanceUrl('https://acme.my.salesforce.com', own)).toBeNull()
    expect(checkInstanceUrl('https://acme--dev.sandbox.my.salesforce.com/', own)).toBeNull()
  })
  it('refuse an instance_url on any other host, plain http or with credentials, whatever the test allowance', () => {
    process.env.SALESFORCE_ALLOW_INSECURE_URLS = '1'
    try {
      expect(checkInstanceUrl('http://127.0.0.1:4011', own)).toBe('must be an https URL')
      expect(checkInstanceUrl('http://169.254.169.254/latest', own)).toBe('must be an https URL')
      expect(checkInstanceUrl('https://evil.example.com', own)).toBe('must be a Salesforce domain (…my.salesforce.com)')
      expect(checkInstanceUrl('https://salesforce.com.evil.example', own)).toBe('must be a Salesforce domain (…my.salesforce.com)')
      expect(checkInstanceUrl('http://acme.my.salesforce.com', own)).toBe('must be an https URL')
      expect(checkInstanceUrl('https://u:p@acme.my.salesforce.com', own)).toBe('must not carry credentials')
      expect(checkInstanceUrl('not a url', own)).toBe('not a URL')
    }
    finally {
      delete process.env.SALESFORCE_ALLOW_INSECURE_URLS
    }
  })
})
