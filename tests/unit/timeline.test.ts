import { describe, expect, it } from 'vitest'
import { ActivitySchema } from '../../server/domain/events/activities'
import { referencedIds } from '../../server/domain/events/timelineRefs'
import { EVENT_TYPES } from '../../db/schema'
import type { TimelineEvent, TimelineRefs } from '../../shared/types/timeline'
import {
  callOutcomeLabel, changeSentence, dayLabel, describeEvent, EMPTY_REFS, formatDuration, groupByDay, noteParts, TIMELINE_FILTERS,
} from '../../utils/events'
import { scoreTrend } from '../../utils/scoreTrend'

const NOW = new Date(2027, 2, 10, 15, 0) // Wed Mar 10 2027, 3 pm local time
const DEAL = '11111111-1111-4111-8111-111111111111'
const PRIYA = '22222222-2222-4222-8222-222222222222'
const TOM = '33333333-3333-4333-8333-333333333333'
const HIDDEN = '44444444-4444-4444-8444-444444444444'
const RILEY = '55555555-5555-4555-8555-555555555555'
const SAM = '66666666-6666-4666-8666-666666666666'

const refs: TimelineRefs = {
  users: { [RILEY]: 'Riley Chen', [SAM]: 'Sam Okafor' },
  contacts: { [PRIYA]: 'Priya Patel', [TOM]: 'Tom Kim' },
  deals: { [DEAL]: { name: 'Atlas Labs — Platform', currency: 'USD' } },
  stages: { qualified: 'Qualified', proposal: 'Proposal sent' },
  messages: { 'm1@x': { subject: 'Pricing for Atlas', from: 'riley@demo.example', to: 'priya@atlas.example' } },
  mentions: { 'maya': SAM, 'riley.chen': RILEY },
}
let n = 0
const ev = (type: string, metadata: Record<string, unknown> = {}, extra: Partial<TimelineEvent> = {}): TimelineEvent => ({
  id: `e${n++}`, type, occurredAt: '2027-03-10T10:00:00Z', source: 'direct', dealId: DEAL, contactId: PRIYA, actorUserId: RILEY,
  metadata, ...extra,
})
const view = (e: TimelineEvent, r: TimelineRefs = refs) => describeEvent(e, r, NOW)
/** Everything a row shows, as one string. */
const text = (e: TimelineEvent, r: TimelineRefs = refs) => {
  const v = view(e, r)
  return [v.title, v.detail, ...v.lines, v.people, v.body?.map(p => p.text).join(''), v.by, ...v.flags].filter(Boolean).join(' | ')
}

describe('timeline rows in words', () => {
  it('reads emails with their subject, text and who wrote, opened or clicked', () => {
    expect(text(ev('email_sent', { subject: 'Following up', snippet: 'Hi Priya, thanks for the time today.' })))
      .toBe('Email to Priya Patel | Following up | Hi Priya, thanks for the time today. | Riley Chen')
    expect(text(ev('email_received', { subject: 'Re: Following up', snippet: 'Thanks!', from: 'priya@atlas.example' },
      { actorUserId: null, actorEmail: 'priya@atlas.example' }))).toBe('Email from Priya Patel | Re: Following up | Thanks!')
    // A tracking event carries only the message id: the server resolved its subject.
    const opened = ev('email_opened', { messageId: '<m1@x>', provider: 'sendgrid' }, {
      actorUserId: null, actorEmail: 'priya@atlas.example',
    })
    expect(text(opened)).toBe('Priya Patel opened an email | Pricing for Atlas')
    expect(text(ev('email_clicked', { messageId: '<m1@x>', url: 'https://x.example/p', machine: true }, { actorUserId: null })))
      .toBe('Priya Patel clicked a link | Pricing for Atlas | https://x.example/p | Likely a link scanner')
    // Without the names: still words, never ids.
    expect(text(ev('email_sent', { subject: 'Hello', to: 'someone@x.example' }, { contactId: HIDDEN }), EMPTY_REFS))
      .toBe('Email to someone@x.example | Hello')
  })

  it('reads calls with the outcome\'s label and the length in minutes', () => {
    expect(view(ev('call', { outcome: 'no_answer', durationSeconds: 300 })).detail).toBe('No answer · 5 min')
    expect(text(ev('call', { outcome: 'connected', durationSeconds: 720, subject: 'Budget approved' })))
      .toBe('Call with Priya Patel | Connected · 12 min | Budget approved | Riley Chen')
    expect(view(ev('call', { outcome: 'voicemail', durationSeconds: 45 })).detail).toBe('Voicemail · 45 sec')
    expect(view(ev('call', { outcome: 'busy' })).detail).toBe('Busy')
    expect(view(ev('call', { durationMinutes: 75 })).detail).toBe('1 h 15 min')
    expect(callOutcomeLabel('Left VM')).toBe('Left VM')
    expect(callOutcomeLabel('left_message')).toBe('Left message')
    expect(formatDuration(3600)).toBe('1 h')
  })

  it('reads meetings with their title and attendees by name, leaving out people the reader may not see', () => {
    const held = ev('meeting_held', { title: 'Pricing review', attendeeIds: [PRIYA, TOM, HIDDEN], durationMinutes: 45 })
    expect(text(held)).toBe('Meeting held: Pricing review | 45 min | With Priya Patel, Tom Kim | Riley Chen')
    const planned = ev('meeting_scheduled', { title: 'Demo', startsAt: new Date(2027, 2, 12, 10, 30).toISOString() })
    expect(view(planned).detail).toBe('for Mar 12, 10:30 AM')
    expect(view(planned).people).toBe('With Priya Patel')
  })

  it('reads notes with their mentions as names', () => {
    const note = ev('note', { body: '@maya can you join? cc @riley.chen, not @nobody or a@b.example' })
    expect(view(note).title).toBe('Note')
    expect(view(note).body).toEqual([
      { text: '@Sam Okafor', mention: true },
      { text: ' can you join? cc ' },
      { text: '@Riley Chen', mention: true },
      { text: ', not @nobody or a@b.example' },
    ])
    expect(noteParts('plain text', refs)).toEqual([{ text: 'plain text' }])
  })

  it('reads field changes in words with formatted values and stage names', () => {
    const updated = ev('deal_updated', {
      changes: {
        amount: { from: 19500, to: 13650 },
        closeDate: { from: '2027-03-03', to: '2027-04-01' },
        ownerId: { from: RILEY, to: SAM },
        probability: { from: null, to: 40 },
        forecastCategory: { from: 'best_case', to: 'commit' },
      },
    })
    const v = view(updated)
    expect(v.title).toBe('Amount changed from $19,500 to $13,650')
    expect(v.lines).toEqual([
      'Close date moved from Mar 3 to Apr 1',
      'Owner changed from Riley Chen to Sam Okafor',
      'Probability set to 40%',
      'Forecast category changed from Best case to Commit',
    ])
    const ctx = { currency: 'EUR', refs, now: NOW }
    expect(changeSentence('closeDate', '2027-12-20', '2028-01-15', ctx)).toBe('Close date moved from Dec 20 to Jan 15, 2028')
    expect(changeSentence('amount', 900, 1200, ctx)).toBe('Amount changed from €900.00 to €1,200')
    expect(changeSentence('probability', 40, null, ctx)).toBe('Probability back to the stage\'s (was 40%)')
    expect(view(ev('stage_changed', { from: 'qualified', to: 'proposal', reason: 'pricing sent' })).title)
      .toBe('Moved from Qualified to Proposal sent')
    expect(view(ev('stage_changed', { from: 'qualified', to: 'best_case_review' }), EMPTY_REFS).title)
      .toBe('Moved from Qualified to Best case review')
    expect(text(ev('deal_created', { amount: '25000.00', currency: 'USD', stage: 'qualified', closeDate: '2027-06-30', ownerId: SAM })))
      .toBe('Deal created | $25,000 · in Qualified · closing Jun 30 | Owner: Sam Okafor | Riley Chen')
    expect(text(ev('task_completed', { title: 'Send the order form' }))).toBe('Task completed | Send the order form | Riley Chen')
  })

  it('has an icon and a label for every event type, and never shows a stored key', () => {
    for (const type of EVENT_TYPES) {
      const v = view(ev(type, { outcome: 'no_answer', from: 'best_case', to: 'at_risk', stage: 'best_case' }, { source: 'email_inbound' }))
      expect(v.icon).toMatch(/^i-lucide-/)
      const shown = [v.title, v.detail, ...v.lines, ...v.flags].join(' ')
      expect(shown, type).not.toMatch(/\b[a-z]+_[a-z_]+\b/)
    }
    expect(view(ev('call', {}, { source: 'salesforce' })).flags).toEqual(['via Salesforce'])
    expect(TIMELINE_FILTERS.flatMap(f => f.types).sort()).toEqual([...EVENT_TYPES].sort())
  })
})

describe('timeline days', () => {
  it('heads each day Today, Yesterday or by its date, newest first', () => {
    const at = (d: number, h = 9) => new Date(2027, 2, d, h).toISOString()
    const days = groupByDay([ev('note', {}, { occurredAt: at(10, 14) }), ev('note', {}, { occurredAt: at(10, 8) }),
      ev('call', {}, { occurredAt: at(9) }), ev('call', {}, { occurredAt: at(3) })], NOW)
    expect(days.map(d => [d.label, d.events.length])).toEqual([['Today', 2], ['Yesterday', 1], ['Wednesday, Mar 3', 1]])
    expect(dayLabel(new Date(2026, 11, 24), NOW)).toBe('Thursday, Dec 24, 2026')
  })
})

describe('what a page of events refers to', () => {
  it('collects well-formed ids, stage keys, message ids and mentions only', () => {
    const ids = referencedIds([
      { type: 'meeting_held', dealId: DEAL, contactId: PRIYA, actorUserId: RILEY, metadata: { attendeeIds: [TOM, 'x\'; drop', 7] } },
      { type: 'stage_changed', metadata: { from: 'qualified', to: 'proposal', by: SAM } },
      { type: 'deal_updated', metadata: { changes: { ownerId: { from: RILEY, to: 'not-an-id' } } } },
      { type: 'email_opened', metadata: { messageId: '<m1@x>' } },
      { type: 'email_sent', metadata: { messageId: '<m2@x>', subject: 'has its own' } },
      { type: 'note', metadata: { body: 'ask @Maya' } },
    ])
    expect([...ids.contacts].sort()).toEqual([PRIYA, TOM].sort())
    expect([...ids.users].sort()).toEqual([RILEY, SAM].sort())
    expect([...ids.deals]).toEqual([DEAL])
    expect([...ids.stages]).toEqual(['qualified', 'proposal'])
    expect([...ids.messages]).toEqual(['m1@x'])
    expect([...ids.mentions]).toEqual(['maya'])
  })
})

describe('logging an activity', () => {
  const parse = (body: Record<string, unknown>) => {
    const result = ActivitySchema.safeParse({ dealId: DEAL, ...body })
    return result.success ? 'ok' : result.error.issues.map(i => i.path.join('.'))
  }
  it('takes a call\'s outcome and minutes, a meeting\'s title and attendees, and names the field it refuses', () => {
    expect(parse({ type: 'call', outcome: 'no_answer', durationMinutes: 5 })).toBe('ok')
    expect(parse({ type: 'call', outcome: 'hung_up' })).toEqual(['outcome'])
    expect(parse({ type: 'call', durationMinutes: -1 })).toEqual(['durationMinutes'])
    expect(parse({ type: 'call', durationMinutes: 2.5 })).toEqual(['durationMinutes'])
    expect(parse({ type: 'call', durationMinutes: 5, durationSeconds: 300 })).toEqual(['durationMinutes'])
    expect(parse({ type: 'meeting_held', title: 'Pricing review', attendeeIds: [PRIYA] })).toBe('ok')
    expect(parse({ type: 'meeting_held', attendeeIds: ['priya'] })).toEqual(['attendeeIds.0'])
    expect(parse({ type: 'note', body: 'x', outcome: 'connected' })).toEqual(['outcome'])
    expect(parse({ type: 'call', title: 'x' })).toEqual(['title'])
  })
})

describe('the score trend', () => {
  it('lays the history out day by day with gaps, and says how much history there is', () => {
    const trend = scoreTrend([{ day: '2027-03-03', score: 40 }, { day: '2027-03-10', score: 52 }], NOW)
    expect(trend.labels).toEqual(['Mar 3', 'Mar 4', 'Mar 5', 'Mar 6', 'Mar 7', 'Mar 8', 'Mar 9', 'Mar 10'])
    expect(trend.values).toEqual([40, null, null, null, null, null, null, 52])
    expect(trend.caption).toBe('8 days of history (2 days scored; the dashes cross days without a score): '
      + '40 % on Mar 3, 52 % on Mar 10, up 12 points.')
    expect(scoreTrend([{ day: '2027-03-10', score: 61 }], NOW).caption)
      .toBe('One day of history: 61 % on Mar 10. The chart starts once the deal is scored on another day.')
    expect(scoreTrend([{ day: '2027-03-09', score: 50 }, { day: '2027-03-10', score: 49 }], NOW).caption)
      .toBe('2 days of history: 50 % on Mar 9, 49 % on Mar 10, down 1 point.')
    expect(scoreTrend([], NOW).caption).toMatch(/^No score history yet/)
  })
})
