import { describe, expect, it } from 'vitest'
import { dealIdsOf, needsVisibility, streamData } from '../../server/domain/events/stream'
import { databaseFault, loggable, scrubDatabaseError } from '../../server/domain/core/errors'
import { commonPasswords, passwordProblem } from '../../server/domain/tenancy/passwordPolicy'
import { sessionIsCurrent, SESSION_MAX_AGE_SECONDS } from '../../server/domain/tenancy/sessionPolicy'
import { afterAttempt, EMAIL_POLICY, retryAfterSeconds, type ThrottleState } from '../../server/domain/tenancy/throttle'

describe('the password rule', () => {
  it('refuses passwords of only whitespace, of one character or a short pattern repeated, and common ones, '
    + 'also with digits or symbols added', () => {
    for (const password of [
      ' '.repeat(12),
      '\t\t\t\t\t\t\t\t\t\t',
      'aaaaaaaaaa',
      '1111111111',
      'abababababab',
      'abcabcabcabc',
      'password12',
      'Password123',
      'qwertyuiop',
      '1234567890',
      'iloveyou2026!',
      'dragon123456',
      'football!!!!',
    ]) {
      expect(passwordProblem(password), JSON.stringify(password)).not.toBeNull()
    }
  })

  it('refuses a password shorter than 10 or longer than 200 characters', () => {
    expect(passwordProblem('k7#mQ2vX9')).toMatch(/at least 10/)
    expect(passwordProblem('k7#mQ2vX9z'.repeat(21))).toMatch(/at most 200/)
  })

  it('accepts long, uncommon passwords, spaces inside included', () => {
    for (const password of ['a-good-password', 'correct horse battery staple', 'tps-reports-2026', 'my-own-password', 'k7#mQ2vX9zL'])
      expect(passwordProblem(password), password).toBeNull()
  })

  it('knows thousands of common passwords', () => {
    expect(commonPasswords().size).toBeGreaterThan(5000)
    expect(commonPasswords().has('123456')).toBe(true)
  })
})

describe('the session rule', () => {
  const now = new Date('2026-12-02T12:00:00Z')
  const at = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString()

  it('accepts a session of the user\'s current version signed in within the maximum age', () => {
    expect(sessionIsCurrent({ loggedInAt: at(60_000), sessionVersion: 3 }, { sessionVersion: 3 }, now)).toBe(true)
  })

  it('refuses a session of an older version, without a version, or older than the maximum age', () => {
    expect(sessionIsCurrent({ loggedInAt: at(60_000), sessionVersion: 2 }, { sessionVersion: 3 }, now)).toBe(false)
    expect(sessionIsCurrent({ loggedInAt: at(60_000) }, { sessionVersion: 1 }, now)).toBe(false)
    expect(sessionIsCurrent({ loggedInAt: at(SESSION_MAX_AGE_SECONDS * 1000 + 1000), sessionVersion: 1 }, { sessionVersion: 1 }, now)).toBe(
      false,
    )
    expect(sessionIsCurrent({ sessionVersion: 1 }, { sessionVersion: 1 }, now)).toBe(false)
    expect(sessionIsCurrent({ loggedInAt: 'yesterday', sessionVersion: 1 }, { sessionVersion: 1 }, now)).toBe(false)
  })
})

describe('the sign-in throttle', () => {
  const now = new Date('2026-12-02T12:00:00Z')
  const later = (ms: number) => new Date(now.getTime() + ms)

  it('lets the limit\'s number of attempts through in a window, the last of them locking the key, and refuses the next', () => {
    let state: ThrottleState | undefined
    for (let i = 1; i <= EMAIL_POLICY.limit; i++) {
      const next = afterAttempt(state, later(i), EMAIL_POLICY)
      expect(next.allowed).toBe(true)
      state = next.state
    }
    expect(state!.lockedUntil).not.toBeNull()
    const refused = afterAttempt(state, later(10), EMAIL_POLICY)
    expect(refused).toEqual({ allowed: false, state })
    expect(retryAfterSeconds(state, later(10))).toBeGreaterThan(0)
  })

  it('starts a fresh window once the lock ran out', () => {
    const locked: ThrottleState = { failures: 5, windowStart: now, lockedUntil: later(EMAIL_POLICY.lockMs) }
    const after = afterAttempt(locked, later(EMAIL_POLICY.lockMs + 1), EMAIL_POLICY)
    expect(after).toMatchObject({ allowed: true, state: { failures: 1, lockedUntil: null } })
  })
})

describe('the live stream\'s filter', () => {
  const rep = { userId: 'u1', access: { tenantId: 't', scope: 'owners' as const, ownerIds: ['u1'] } }
  const admin = { userId: 'a', access: { tenantId: 't', scope: 'tenant' as const } }
  const created = {
    tenantId: 't',
    topic: 'event.created' as const,
    data: { count: 3, dealIds: ['d1', 'd2'], types: ['note', 'call'], latest: 'x' },
  }

  it('gives a rep nothing about an event on no deal, and of other events only the deals they see', () => {
    const noDeal = { tenantId: 't', topic: 'event.created' as const, data: { count: 1, dealIds: [], types: ['note'], latest: 'x' } }
    expect(needsVisibility(noDeal, rep.access)).toBe(false)
    expect(streamData(noDeal, rep, new Set())).toBeNull()
    expect(streamData(created, rep, new Set())).toBeNull()
    expect(streamData(created, rep, new Set(['d1']))).toEqual({ dealIds: ['d1'] })
    expect(dealIdsOf(created)).toEqual(['d1', 'd2'])
  })

  it('narrows scores and alerts to visible deals, gives the whole tenant everything, and a notification to its recipient only', () => {
    const score = { tenantId: 't', topic: 'deal.score' as const, data: { deals: [{ id: 'd1', score: 1 }, { id: 'd2', score: 2 }] } }
    expect(streamData(score, rep, new Set(['d2']))).toEqual({ deals: [{ id: 'd2', score: 2 }] })
    const alerts = { tenantId: 't', topic: 'alert.closed' as const, data: { alerts: [{ id: 'x', dealId: 'd2' }] } }
    expect(streamData(alerts, rep, new Set(['d1']))).toBeNull()
    expect(streamData(created, admin, new Set())).toEqual(created.data)
    const note = { tenantId: 't', topic: 'notification.created' as const, data: { userId: 'u2' } }
    expect(streamData(note, rep, new Set())).toBeNull()
    expect(streamData({ ...note, data: { userId: 'u1' } }, rep, new Set())).toEqual({ userId: 'u1' })
    expect(streamData({ tenantId: 't', topic: 'people.changed', data: {} }, admin, new Set())).toBeNull()
  })
})

describe('database errors in logs', () => {
  const driverError = Object.assign(new Error('duplicate key value violates unique constraint "users_login_email_uq"'), {
    code: '23505',
    severity: 'ERROR',
    constraint: 'users_login_email_uq',
    detail: 'Key (lower(email))=(someone@private.test) already exists.',
  })
  const drizzleError = Object.assign(
    new Error('Failed query: insert into "users" ...\nparams: someone@private.test,scrypt$16384$8$1$abc$def'),
    { cause: driverError },
  )

  it('are described by their SQLSTATE and constraint only, never the query\'s parameters or the clashing row', () => {
    expect(databaseFault(drizzleError)).toEqual({ code: '23505', constraint: 'users_login_email_uq' })
    expect(loggable(drizzleError)).toBe('database error 23505 (users_login_email_uq)')
    expect(loggable(new Error('plain'))).toBe('plain')
    expect(databaseFault(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBeNull()
  })

  it('are rewritten before the HTTP layer logs them: no parameters, no row, no cause; a unique violation answers 409', () => {
    const wrapped = {
      message: drizzleError.message,
      stack: `Error: ${drizzleError.message}\n    at insert (db.ts:1:1)`,
      cause: drizzleError,
      statusCode: 500,
      unhandled: true,
    }
    expect(scrubDatabaseError(wrapped)).toBe(true)
    expect(wrapped).toMatchObject({
      message: 'database error 23505 (users_login_email_uq)',
      cause: undefined,
      statusCode: 409,
      unhandled: false,
    })
    expect(JSON.stringify(wrapped) + wrapped.stack).not.toMatch(/private\.test|scrypt/)
    const other = {
      message: 'Failed query: x\nparams: someone@private.test',
      cause: { ...driverError, code: '22021', constraint: undefined },
    }
    expect(scrubDatabaseError(other)).toBe(true)
    expect(other.message).toBe('database error 22021')
    expect(scrubDatabaseError({ message: 'not the database' })).toBe(false)
  })
})
