import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from '../../server/domain/tenancy/passwords'

describe('password hashing', () => {
  it('stores an salted scrypt hash that verifies the right password only', async () => {
    const stored = await hashPassword('correct horse battery staple')
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[\w+/=]+\$[\w+/=]+$/)
    expect(stored).not.toContain('correct horse')
    expect(await verifyPassword(stored, 'correct horse battery staple')).toBe(true)
    expect(await verifyPassword(stored, 'correct horse battery stapler')).toBe(false)
  })

  it('salts every hash differently', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'))
  })

  it('refuses a stored value that is not a scrypt hash', async () => {
    expect(await verifyPassword('plain-text', 'plain-text')).toBe(false)
  })
})
