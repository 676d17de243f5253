import { describe, expect, it } from 'vitest'
import { ruleDepth } from '../../server/domain/automation/engine'
import { conditionHolds, conditionsMatch, dealFacts, fillText, triggerMatchesEvent } from '../../server/domain/automation/evaluate'
import { ConditionSchema, RuleSchema } from '../../server/domain/automation/schemas'
import { renderTemplate, SequenceCreateSchema, unknownMergeFields } from '../../server/domain/sequences/templates'
import { nextAttemptAt, RETRY_WINDOW_MS } from '../../server/domain/webhooks/backoff'
import { signatureHeader, verifySignature } from '../../server/domain/webhooks/sign'
import { isPrivateAddress, pinnedLookup, refuseTarget, resolveTarget } from '../../server/domain/webhooks/targets'

const deal = dealFacts(
  {
    amount: '25000.00',
    stage: 'proposal',
    ownerId: 'u1',
    source: 'Referral',
    product: 'Platform',
    currency: 'USD',
    probability: null,
    tags: ['vip'],
    custom: { region: 'EMEA', seats: 40 },
  },
  { score: 62, state: 'steady' },
)
const cond = (field: string, op: string, value: unknown) => ConditionSchema.parse({ field, op, value })

describe('trigger matching', () => {
  it('"deal enters a stage" matches a stage change into that stage only', () => {
    const trigger = { kind: 'stage_entered', stage: 'proposal' } as const
    expect(triggerMatchesEvent(trigger, { type: 'stage_changed', metadata: { from: 'qualified', to: 'proposal' } })).toBe(true)
    expect(triggerMatchesEvent(trigger, { type: 'stage_changed', metadata: { from: 'proposal', to: 'negotiation' } })).toBe(false)
    expect(triggerMatchesEvent(trigger, { type: 'deal_updated', metadata: { to: 'proposal' } })).toBe(false)
  })
  it('"any event" matches its type or every type with *; time triggers never match an event', () => {
    expect(triggerMatchesEvent({ kind: 'event', type: 'email_received' }, { type: 'email_received', metadata: {} })).toBe(true)
    expect(triggerMatchesEvent({ kind: 'event', type: 'email_received' }, { type: 'email_sent', metadata: {} })).toBe(false)
    expect(triggerMatchesEvent({ kind: 'event', type: '*' }, { type: 'call', metadata: {} })).toBe(true)
    expect(triggerMatchesEvent({ kind: 'no_activity', days: 3 }, { type: 'call', metadata: {} })).toBe(false)
  })
})

describe('conditions', () => {
  it('compare amounts as numbers and text without case', () => {
    expect(conditionHolds(cond('amount', 'gt', 20_000), deal)).toBe(true)
    expect(conditionHolds(cond('amount', 'lte', 25_000), deal)).toBe(true)
    expect(conditionHolds(cond('amount', 'lt', 25_000), deal)).toBe(false)
    expect(conditionHolds(cond('amount', 'eq', 25_000), deal)).toBe(true)
    expect(conditionHolds(cond('source', 'eq', 'referral'), deal)).toBe(true)
    expect(conditionHolds(cond('source', 'neq', 'referral'), deal)).toBe(false)
  })
  it('"in" takes a list, "contains" looks into text and lists; custom fields by custom.<key>', () => {
    expect(conditionHolds(cond('stage', 'in', ['proposal', 'negotiation']), deal)).toBe(true)
    expect(conditionHolds(cond('stage', 'in', ['new']), deal)).toBe(false)
    expect(conditionHolds(cond('product', 'contains', 'plat'), deal)).toBe(true)
    expect(conditionHolds(cond('tags', 'contains', 'VIP'), deal)).toBe(true)
    expect(conditionHolds(cond('custom.region', 'eq', 'emea'), deal)).toBe(true)
    expect(conditionHolds(cond('custom.seats', 'gte', 40), deal)).toBe(true)
    expect(conditionHolds(cond('state', 'eq', 'steady'), deal)).toBe(true)
  })
  it('a missing fact matches only "neq"; every condition must hold', () => {
    expect(conditionHolds(cond('probability', 'eq', 50), deal)).toBe(false)
    expect(conditionHolds(cond('probability', 'neq', 50), deal)).toBe(true)
    expect(conditionHolds(cond('custom.missing', 'gt', 1), deal)).toBe(false)
    expect(conditionsMatch([], deal)).toBe(true)
    expect(conditionsMatch([cond('amount', 'gt', 1), cond('stage', 'eq', 'new')], deal)).toBe(false)
  })
  it('are validated: "in" needs a list, comparisons a number, fields must exist', () => {
    expect(ConditionSchema.safeParse({ field: 'stage', op: 'in', value: 'proposal' }).error?.issues[0]).toMatchObject({ path: ['value'] })
    expect(ConditionSchema.safeParse({ field: 'amount', op: 'gt', value: 'lots' }).error?.issues[0]).toMatchObject({ path: ['value'] })
    expect(ConditionSchema.safeParse({ field: 'colour', op: 'eq', value: 'red' }).error?.issues[0]).toMatchObject({ path: ['field'] })
  })
})

describe('rules', () => {
  it('need a trigger and at least one action, each checked by kind', () => {
    const bad = RuleSchema.safeParse({ name: 'x', trigger: { kind: 'no_activity', days: 0 }, actions: [] })
    expect(bad.error?.issues.map(i => i.path.join('.')).sort()).toEqual(['actions', 'trigger.days'])
    const badAction = RuleSchema.safeParse({
      name: 'x',
      trigger: { kind: 'lead_created' },
      actions: [{ kind: 'create_task', title: '', dueInDays: 2 }],
    })
    expect(badAction.error?.issues[0]!.path).toEqual(['actions', 0, 'title'])
    expect(
      RuleSchema.parse({
        name: 'ok',
        trigger: { kind: 'stage_entered', stage: 'proposal' },
        actions: [{ kind: 'create_task', title: 'Follow up', dueInDays: 2 }],
      }),
    ).toMatchObject({ active: true, conditions: [], actions: [{ assignTo: 'owner', priority: 'normal' }] })
  })
  it('fill {{deal.name}} in action text', () => {
    expect(fillText('Call about {{ deal.name }} ({{unknown}})', { 'deal.name': 'Acme' })).toBe('Call about Acme ()')
  })
})

describe('rule chains', () => {
  it('read how many rules led to an event from its metadata, 0 for anything else', () => {
    expect(ruleDepth({ changes: {}, automation: { ruleId: 'r', depth: 2 } })).toBe(2)
    for (const metadata of [
      null,
      undefined,
      {},
      { automation: {} },
      { automation: { depth: '2' } },
      { automation: { depth: -1 } },
      { automation: { depth: 1.5 } },
    ]) {
      expect(ruleDepth(metadata as Record<string, unknown> | null | undefined), JSON.stringify(metadata)).toBe(0)
    }
  })
})

describe('sequence templates', () => {
  it('fill merge fields, empty when a value is missing', () => {
    expect(
      renderTemplate('Hi {{contact.firstName}}, re {{deal.name}} — {{sender.name}}', {
        'contact.firstName': 'Bea',
        'sender.name': 'Riley',
      }),
    ).toBe('Hi Bea, re  — Riley')
  })
  it('refuse unknown merge fields, naming the step field', () => {
    expect(unknownMergeFields('{{contact.firstName}} {{contact.shoeSize}}')).toEqual(['contact.shoeSize'])
    const bad = SequenceCreateSchema.safeParse({ name: 'S', steps: [{ subject: 'ok', body: 'Hi {{contact.nickname}}', waitDays: 0 }] })
    expect(bad.error?.issues[0]!.path).toEqual(['steps', 0, 'body'])
  })
})

describe('webhook signatures', () => {
  const at = new Date('2026-11-18T10:00:00Z')
  it('sign t + "." + body with HMAC-SHA256 and verify only the same secret, body and a fresh time', () => {
    const header = signatureHeader('whsec_test', '{"a":1}', at)
    expect(header).toMatch(/^t=1794996000,v1=[0-9a-f]{64}$/)
    expect(verifySignature('whsec_test', '{"a":1}', header, at)).toBe(true)
    expect(verifySignature('whsec_other', '{"a":1}', header, at)).toBe(false)
    expect(verifySignature('whsec_test', '{"a":2}', header, at)).toBe(false)
    expect(verifySignature('whsec_test', '{"a":1}', header, new Date(at.getTime() + 600_000))).toBe(false)
  })
})

describe('webhook backoff', () => {
  const created = new Date('2026-11-18T10:00:00Z')
  it('doubles from a minute, caps at six hours, tries last at the end of the day, then gives up', () => {
    expect(nextAttemptAt(1, created, created)).toEqual(new Date(created.getTime() + 60_000))
    expect(nextAttemptAt(2, created, created)).toEqual(new Date(created.getTime() + 120_000))
    expect(nextAttemptAt(12, created, created)).toEqual(new Date(created.getTime() + 6 * 3_600_000))
    const late = new Date(created.getTime() + RETRY_WINDOW_MS - 60_000)
    expect(nextAttemptAt(10, created, late)).toEqual(new Date(created.getTime() + RETRY_WINDOW_MS))
    expect(nextAttemptAt(11, created, new Date(created.getTime() + RETRY_WINDOW_MS))).toBeNull()
  })
})

describe('webhook targets', () => {
  it('know private, loopback, link-local and unspecified addresses, IPv4 and IPv6', () => {
    for (const ip of [
      '10.0.0.1',
      '172.16.5.4',
      '172.31.255.255',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(true)
    }
    for (const ip of ['8.8.8.8', '172.32.0.1', '93.184.216.34', '2606:4700::1111']) expect(isPrivateAddress(ip), ip).toBe(false)
  })
  it('refuse a host when any of its addresses is private, non-http schemes and credentials; allow all with the flag', async () => {
    const resolve = async (host: string) => (host === 'mixed.test' ? ['8.8.8.8', '192.168.0.9'] : ['8.8.4.4'])
    expect(await refuseTarget('https://mixed.test/h', { allowPrivate: false, resolve })).toBe(
      'resolves to a private or loopback address (192.168.0.9)',
    )
    expect(await refuseTarget('https://public.test/h', { allowPrivate: false, resolve })).toBeNull()
    expect(await refuseTarget('http://[::1]:8080/h', { allowPrivate: false, resolve })).toMatch(/private or loopback/)
    expect(await refuseTarget('ftp://public.test/h', { allowPrivate: false, resolve })).toBe('must be an http or https URL')
    expect(await refuseTarget('https://u:p@public.test/h', { allowPrivate: false, resolve })).toBe('must not carry credentials')
    expect(await refuseTarget('http://127.0.0.1:9/h', { allowPrivate: true, resolve })).toBeNull()
  })
  it('connect to the one address checked: resolved once, the connection\'s lookup answers only that address, '
    + 'in the one-address and the all-addresses forms Node asks for', async () => {
    let asked = 0
    const resolve = async () => (asked++ ? ['127.0.0.1'] : ['8.8.8.8', '2606:4700::1111'])
    expect(await resolveTarget('https://rebinding.test/h', { allowPrivate: false, resolve })).toEqual({ address: '8.8.8.8', family: 4 })
    expect(asked).toBe(1)
    expect(await resolveTarget('https://rebound.test/h', { allowPrivate: false, resolve: async () => ['8.8.8.8', '127.0.0.1'] })).toEqual({
      refused: 'resolves to a private or loopback address (127.0.0.1)',
      category: 'blocked_address',
    })
    expect(await resolveTarget('https://nowhere.test/h', { allowPrivate: false, resolve: async () => [] })).toMatchObject({
      category: 'dns_failure',
    })
    expect(await resolveTarget('http://127.0.0.1:9/h', { allowPrivate: true })).toEqual({ address: '127.0.0.1', family: 4 })
    const ask = (all: boolean) =>
      new Promise<unknown>((done) => {
        pinnedLookup('8.8.8.8', 4)('rebinding.test', { all }, (error: Error | null, address: unknown, family?: number) =>
          done(all ? address : [address, family]),
        )
      })
    expect(await ask(false)).toEqual(['8.8.8.8', 4])
    expect(await ask(true)).toEqual([{ address: '8.8.8.8', family: 4 }])
  })
})
