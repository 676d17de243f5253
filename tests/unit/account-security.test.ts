import { describe, expect, it } from 'vitest'
import { deviceInWords } from '../../server/domain/tenancy/device'
import { RESET_TTL_MS, resetTokenState } from '../../server/domain/tenancy/passwordReset'
import { resetMail } from '../../server/domain/tenancy/resetMail'
import { lastSeenInWords } from '../../utils/sessions'

describe('a password reset link', () => {
  const now = new Date('2026-12-04T12:00:00Z')
  const made = (minutesAgo: number, usedAt: Date | null = null) => ({
    expiresAt: new Date(now.getTime() - minutesAgo * 60_000 + RESET_TTL_MS),
    usedAt,
  })

  it('works within the hour it was made, once', () => {
    expect(RESET_TTL_MS).toBe(3_600_000)
    expect(resetTokenState(made(0), now)).toBe('valid')
    expect(resetTokenState(made(59), now)).toBe('valid')
  })

  it('is refused once used, once the hour is over, and when there is no such link', () => {
    expect(resetTokenState(made(5, new Date(now.getTime() - 60_000)), now)).toBe('used')
    expect(resetTokenState(made(60), now)).toBe('expired')
    expect(resetTokenState(made(61), now)).toBe('expired')
    expect(resetTokenState(undefined, now)).toBe('unknown')
  })

  it('is used before it expires: a used and expired link says used', () => {
    expect(resetTokenState(made(90, new Date(now.getTime() - 80 * 60_000)), now)).toBe('used')
  })

  it('is mailed with the link, to the account\'s address', () => {
    const mail = resetMail({ email: 'ann@example.test', name: 'Ann' }, 'https://crm.example.test/reset-password?token=abc')
    expect(mail.to).toBe('ann@example.test')
    expect(mail.text).toContain('https://crm.example.test/reset-password?token=abc')
    expect(mail.text).toMatch(/one hour/)
  })
})

describe('a session\'s device in words', () => {
  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome on Linux'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      'Edge on Windows'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
      'Safari on macOS'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 '
      + 'Safari/604.1',
    'Safari on iPhone'],
    ['Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0', 'Firefox on Android'],
    ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0', 'Firefox on Linux'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36', 'Chrome on Linux'],
    ['curl/8.5.0', 'curl'],
    ['node', 'Node.js'],
    ['', 'Unknown device'],
    [null, 'Unknown device'],
    ['SomethingElse/1.0', 'Unknown device'],
  ])('%s is "%s"', (agent, words) => {
    expect(deviceInWords(agent)).toBe(words)
  })
})

describe('when a session was last seen, in words', () => {
  const now = Date.parse('2026-12-04T12:00:00Z')
  it('says just now, minutes, hours, then the time', () => {
    expect(lastSeenInWords('2026-12-04T11:59:30Z', now)).toBe('just now')
    expect(lastSeenInWords('2026-12-04T11:55:00Z', now)).toBe('5 minutes ago')
    expect(lastSeenInWords('2026-12-04T11:00:00Z', now)).toBe('1 hour ago')
    expect(lastSeenInWords('2026-12-04T07:00:00Z', now)).toBe('5 hours ago')
    expect(lastSeenInWords('2026-12-02T09:30:00Z', now)).toBe('Dec 2, 2026, 09:30 UTC')
    expect(lastSeenInWords(null, now)).toBe('never')
  })
})
