import { describe, expect, it } from 'vitest'
import { composeDigest } from '../../server/domain/notifications/digest'
import { parseMentions, resolveMentions } from '../../server/domain/notifications/mentions'
import { addBusinessDays, dueWindow } from '../../server/domain/tasks/schedule'
import { smtpConfigFromEnv } from '../../server/domain/email/mailer'

describe('due windows', () => {
  const now = new Date('2026-11-18T20:00:00Z')
  it('overdue is before now, today runs to the caller\'s midnight, upcoming after it', () => {
    expect(dueWindow('overdue', now)).toEqual({ from: null, to: now })
    expect(dueWindow('today', now)).toEqual({ from: now, to: new Date('2026-11-19T00:00:00Z') })
    expect(dueWindow('upcoming', now)).toEqual({ from: new Date('2026-11-19T00:00:00Z'), to: null })
  })
  it('ends today at the caller\'s local midnight: UTC+2 at 22:00 local ends at 22:00 UTC, '
    + 'UTC-5 at 15:00 local at 05:00 UTC next day', () => {
    expect(dueWindow('today', now, 120).to).toEqual(new Date('2026-11-18T22:00:00Z'))
    expect(dueWindow('today', now, -300).to).toEqual(new Date('2026-11-19T05:00:00Z'))
  })
})

describe('business days', () => {
  it('skips Saturdays and Sundays and keeps the time of day', () => {
    const thursday = new Date('2026-11-19T10:30:00Z')
    expect(addBusinessDays(thursday, 1)).toEqual(new Date('2026-11-20T10:30:00Z'))
    expect(addBusinessDays(thursday, 2)).toEqual(new Date('2026-11-23T10:30:00Z'))
    expect(addBusinessDays(thursday, 7)).toEqual(new Date('2026-11-30T10:30:00Z'))
  })
  it('counts from the next Monday when it starts on a weekend; zero days is the same moment', () => {
    const saturday = new Date('2026-11-21T08:00:00Z')
    expect(addBusinessDays(saturday, 1)).toEqual(new Date('2026-11-23T08:00:00Z'))
    expect(addBusinessDays(saturday, 0)).toEqual(saturday)
  })
})

describe('mentions', () => {
  const people = [
    { id: '1', name: 'Riley Chen', email: 'riley@demo.test' },
    { id: '2', name: 'Sam Okafor', email: 'sam@demo.test' },
    { id: '3', name: 'Sam Lee', email: 'sam.lee@demo.test' },
  ]
  it('reads @names and @emails, not email addresses written in the text', () => {
    expect(parseMentions('Ping @Riley and @sam.lee@demo.test, see bob@example.com.')).toEqual(['riley', 'sam.lee@demo.test'])
    expect(parseMentions('(@riley.chen) @Sam.')).toEqual(['riley.chen', 'sam'])
  })
  it('matches emails, full names without spaces and unique first names; an ambiguous first name matches no one', () => {
    expect(resolveMentions(['riley'], people).map(p => p.id)).toEqual(['1'])
    expect(resolveMentions(['riley.chen', 'samokafor'], people).map(p => p.id)).toEqual(['1', '2'])
    expect(resolveMentions(['sam'], people)).toEqual([])
    expect(resolveMentions(['sam.lee@demo.test', 'nobody@demo.test'], people).map(p => p.id)).toEqual(['3'])
  })
})

describe('the digest email', () => {
  const base = { name: 'Riley', day: '2026-11-19', appUrl: 'https://crm.test', focus: [], overdue: [], alerts: [] }
  it('is not sent when there is nothing to say', () => {
    expect(composeDigest(base)).toBeNull()
  })
  it('lists focus deals, overdue tasks and new alerts with links, counting them in the subject, HTML escaped', () => {
    const digest = composeDigest({
      ...base,
      focus: [{ dealId: 'd1', dealName: 'Acme <Renewal>', whyNow: 'buyer went quiet', nextAction: 'Call them' }],
      overdue: [{ title: 'Send pricing', dueAt: new Date('2026-11-17T09:00:00Z'), dealName: 'Acme' }],
      alerts: [{ dealId: 'd2', dealName: 'Globex', message: 'At risk' }],
    })!
    expect(digest.subject).toBe('Your day in Momentum, 2026-11-19: 1 overdue, 1 new alert')
    expect(digest.text).toContain('- Acme <Renewal> — buyer went quiet. Next: Call them https://crm.test/deals/d1')
    expect(digest.text).toContain('- Send pricing (Acme), due 2026-11-17 https://crm.test/tasks')
    expect(digest.html).toContain('Acme &lt;Renewal&gt;')
    expect(digest.html).toContain('href="https://crm.test/deals/d2"')
  })
})

describe('SMTP settings', () => {
  it('come from SMTP_URL or SMTP_HOST and its parts, with a from address; none means email is off', () => {
    expect(smtpConfigFromEnv({})).toBeNull()
    expect(smtpConfigFromEnv({ SMTP_URL: 'smtp://u:p@mail.test:2525', SMTP_FROM: 'crm@acme.test' })).toMatchObject({
      url: 'smtp://u:p@mail.test:2525',
      from: 'crm@acme.test',
    })
    expect(smtpConfigFromEnv({ SMTP_HOST: 'mail.test', SMTP_PORT: '465', SMTP_SECURE: 'true', SMTP_USER: 'u', SMTP_PASSWORD: 'p' }))
      .toEqual({ url: undefined, host: 'mail.test', port: 465, secure: true, user: 'u', password: 'p', from: 'momentum@mail.test' })
  })
})
