import { authenticator } from 'otplib'
import { describe, expect, it } from 'vitest'
import {
  checkTotp,
  codeAt,
  consumeRecoveryCode,
  findRecoveryCode,
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUrl,
  RECOVERY_CODE_COUNT,
  stepAt,
  type StoredRecoveryCode,
} from '../../server/domain/tenancy/totp'

const secret = newTotpSecret()
const now = new Date('2026-12-04T12:00:10Z')
const step = stepAt(now)

describe('TOTP codes', () => {
  it('are the codes authenticator apps compute (otplib, 30-second steps)', () => {
    const app = authenticator.clone({ epoch: now.getTime() })
    expect(codeAt(secret, step)).toBe(app.generate(secret))
    expect(codeAt(secret, step)).toMatch(/^\d{6}$/)
    expect(otpauthUrl(secret, 'ann@example.test')).toBe(
      `otpauth://totp/Momentum%20CRM:ann%40example.test?secret=${secret}&period=30&digits=6&algorithm=SHA1&issuer=Momentum%20CRM`,
    )
  })

  it('take the current step and one step either side, not two', () => {
    expect(checkTotp(secret, codeAt(secret, step), now, 0)).toEqual({ ok: true, step })
    expect(checkTotp(secret, codeAt(secret, step - 1), now, 0)).toEqual({ ok: true, step: step - 1 })
    expect(checkTotp(secret, codeAt(secret, step + 1), now, 0)).toEqual({ ok: true, step: step + 1 })
    for (const far of [step - 2, step + 2, step - 10]) {
      const code = codeAt(secret, far)
      // A far step's code may collide with a near one by chance (1 in a million): only then is it taken.
      const near = [step - 1, step, step + 1].some(s => codeAt(secret, s) === code)
      expect(checkTotp(secret, code, now, 0).ok).toBe(near)
    }
  })

  it('refuse a replay: a step at or before the last one used', () => {
    const code = codeAt(secret, step)
    const first = checkTotp(secret, code, now, 0)
    expect(first).toEqual({ ok: true, step })
    expect(checkTotp(secret, code, now, step)).toEqual({ ok: false, reason: 'replayed' })
    // The previous step's code, valid in the window, cannot follow a newer one either.
    expect(checkTotp(secret, codeAt(secret, step - 1), now, step)).toEqual({ ok: false, reason: 'replayed' })
    expect(checkTotp(secret, codeAt(secret, step + 1), now, step)).toEqual({ ok: true, step: step + 1 })
  })

  it('refuse what is not six digits, and accept spaces between groups', () => {
    expect(checkTotp(secret, '', now, 0)).toEqual({ ok: false, reason: 'wrong' })
    expect(checkTotp(secret, 'abcdef', now, 0)).toEqual({ ok: false, reason: 'wrong' })
    expect(checkTotp(secret, `${codeAt(secret, step)}0`, now, 0)).toEqual({ ok: false, reason: 'wrong' })
    const code = codeAt(secret, step)
    expect(checkTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now, 0)).toEqual({ ok: true, step })
  })

  it('are wrong for another secret', () => {
    const other = newTotpSecret()
    const code = codeAt(other, step)
    const collides = [step - 1, step, step + 1].some(s => codeAt(secret, s) === code)
    expect(checkTotp(secret, code, now, 0).ok).toBe(collides)
  })
})

describe('recovery codes', () => {
  const codes = newRecoveryCodes()
  const stored: StoredRecoveryCode[] = codes.map((code, i) => ({ id: `c${i}`, codeHash: hashRecoveryCode(code), usedAt: null }))

  it('are ten distinct codes of ten characters, stored as hashes that do not contain them', () => {
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT)
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT)
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/)
    for (const [i, row] of stored.entries()) {
      expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/)
      expect(row.codeHash).not.toContain(codes[i]!.replace('-', ''))
    }
  })

  it('are found whatever the case and separators, and unknown codes are not', () => {
    expect(findRecoveryCode(stored, codes[3]!)?.id).toBe('c3')
    expect(findRecoveryCode(stored, codes[3]!.toUpperCase().replace('-', ' '))?.id).toBe('c3')
    expect(findRecoveryCode(stored, 'aaaaa-aaaaa')).toBeNull()
  })

  it('work once: a consumed code is not found again, the others still are', () => {
    const after = consumeRecoveryCode(stored, 'c3', now)
    expect(after.find(c => c.id === 'c3')?.usedAt).toEqual(now)
    expect(findRecoveryCode(after, codes[3]!)).toBeNull()
    expect(findRecoveryCode(after, codes[4]!)?.id).toBe('c4')
    expect(after.filter(c => c.usedAt === null)).toHaveLength(RECOVERY_CODE_COUNT - 1)
    // Consuming it again changes nothing (its first use time stays).
    expect(consumeRecoveryCode(after, 'c3', new Date(now.getTime() + 1000))).toEqual(after)
  })
})
