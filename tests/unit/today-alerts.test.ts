import { describe, expect, it } from 'vitest'
import { ALERT_KINDS } from '../../db/schema'
import { alertLook, localDay, morningOf, nextWeekMorning, tomorrowMorning } from '../../utils/alerts'

describe('Today\'s alerts', () => {
  it('names every kind in words and offers the action it asks for; an unknown kind opens its deal', () => {
    for (const kind of ALERT_KINDS) {
      expect(alertLook(kind).label).not.toContain('_')
      expect(alertLook(kind).label).not.toBe('Alert')
    }
    expect(alertLook('no_next_step').action).toBe('plan')
    expect(alertLook('stalling').action).toBe('log')
    expect(alertLook('quiet_after_proposal').action).toBe('log')
    expect(alertLook('close_date_passed').action).toBe('open')
    expect(alertLook('something_new')).toMatchObject({ label: 'Alert', action: 'open' })
  })

  it('snoozes until tomorrow at 8:00 or next week\'s Monday at 8:00, local time', () => {
    const wednesday = new Date(2026, 11, 2, 15, 30) // Wed, Dec 2
    expect(tomorrowMorning(wednesday)).toEqual(new Date(2026, 11, 3, 8))
    expect(nextWeekMorning(wednesday)).toEqual(new Date(2026, 11, 7, 8))
    expect(nextWeekMorning(new Date(2026, 11, 7, 9))).toEqual(new Date(2026, 11, 14, 8)) // from a Monday: a week on
    expect(tomorrowMorning(new Date(2026, 11, 31, 23))).toEqual(new Date(2027, 0, 1, 8))
  })

  it('reads a date input\'s day as that morning, and writes an instant\'s local day', () => {
    expect(morningOf('2027-01-15')).toEqual(new Date(2027, 0, 15, 8))
    expect(morningOf('')).toBeNull()
    expect(localDay(new Date(2027, 0, 5, 23, 59))).toBe('2027-01-05')
  })
})
