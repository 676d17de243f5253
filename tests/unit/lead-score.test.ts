import { describe, expect, it } from 'vitest'
import { scoreLead } from '../../server/domain/records/leadScore'

describe('scoreLead', () => {
  it('scores a referred VP with a business email who asked for a meeting high, and says why', () => {
    expect(
      scoreLead({
        source: 'referral',
        email: 'ana@globex.com',
        company: 'Globex',
        title: 'VP Sales',
        engagement: { meetingRequested: true, pagesViewed: 4 },
      }),
    ).toEqual({
      score: 100,
      reasons: [
        'referral source (+25)',
        'senior title (VP Sales) (+20)',
        'asked for a meeting (+20)',
        'business email (+15)',
        'company named (+10)',
        'viewed 4 pages (+10)',
      ],
    })
  })

  it('scores a cold lead with a free-mail address low', () => {
    expect(scoreLead({ source: 'outbound', email: 'someone@gmail.com' })).toEqual({ score: 5, reasons: ['outbound source (+5)'] })
  })

  it('counts an unknown source as other, and one opened email', () => {
    expect(scoreLead({ source: 'podcast', engagement: { emailsOpened: 1 } })).toEqual({
      score: 15,
      reasons: ['podcast source (+10)', 'opened 1 email (+5)'],
    })
  })
})
