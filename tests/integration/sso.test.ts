import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ssoDomains, ssoProviders } from '../../db/schema'
import { withAccess, withLookup, withTenant } from '../../server/domain/core/db'
import { passwordSignInAllowed, providerForEmail, saveSso, signInWithClaims, ssoPolicy } from '../../server/domain/sso/providers'
import { createTenant, createUser } from '../../server/domain/tenancy/tenants'
import { createTestDatabase, type TestDatabase } from '../support/database'

// The single sign-on tables under row-level security, and the domain's rules against a real
// database (the HTTP flow with a real provider is tests/integration/api/sso.test.ts).

process.env.ENCRYPTION_KEY ??= randomBytes(32).toString('hex')
let database: TestDatabase
const t: Record<'a' | 'b', { id: string, admin: string, rep: string }> = {} as never
const settings = (domains: string[], overrides = {}) => ({
  issuer: 'https://login.example.com', clientId: 'crm', domains, jitProvisioning: true, ssoOnly: false, ...overrides,
})
beforeAll(async () => {
  database = await createTestDatabase()
  for (const key of ['a', 'b'] as const) {
    const { tenant, result } = await createTenant(database.db, { name: `SSO ${key}` }, async (tx, tn) => ({
      admin: await createUser(tx, tn.id, { email: `admin@${key}.sso`, name: 'Admin', role: 'admin', password: 'a-long-password' }),
      rep: await createUser(tx, tn.id, { email: `rep@${key}.sso`, name: 'Rep', role: 'rep', password: 'a-long-password' }),
    }))
    t[key] = { id: tenant.id, admin: result!.admin.id, rep: result!.rep.id }
  }
  await withTenant(database.db, t.a.id, tx => saveSso(tx, { tenantId: t.a.id, userId: t.a.admin }, settings(['a.sso']), 'secret-a'))
})
afterAll(() => database.close())

describe('single sign-on under row-level security', () => {
  it('shows a tenant only its own provider and domains', async () => {
    const seen = await withTenant(database.db, t.b.id, async tx => ({
      providers: await tx.select().from(ssoProviders), domains: await tx.select().from(ssoDomains),
    }))
    expect(seen).toEqual({ providers: [], domains: [] })
    const own = await withTenant(database.db, t.a.id, tx => tx.select({ domain: ssoDomains.domain }).from(ssoDomains))
    expect(own).toEqual([{ domain: 'a.sso' }])
  })

  it('opens one domain row, and nothing else, to a lookup by that domain before the tenant is known', async () => {
    const found = await withLookup(database.db, { ssoDomain: 'A.SSO' }, async tx => ({
      domains: await tx.select().from(ssoDomains), providers: await tx.select().from(ssoProviders),
    }))
    expect(found.domains.map(d => [d.domain, d.tenantId])).toEqual([['a.sso', t.a.id]])
    expect(found.providers).toEqual([])
    expect(await withLookup(database.db, {}, tx => tx.select().from(ssoDomains))).toEqual([])
  })

  it('refuses a row written for another tenant', async () => {
    await expect(withAccess(database.db, { tenantId: t.b.id, scope: 'tenant' }, tx =>
      tx.insert(ssoDomains).values({ domain: 'x.sso', tenantId: t.a.id }))).rejects.toThrow()
  })

  it('finds the tenant whose provider covers an email\'s domain', async () => {
    expect((await providerForEmail(database.db, 'someone@A.sso'))?.tenantId).toBe(t.a.id)
    expect(await providerForEmail(database.db, 'someone@b.sso')).toBeNull()
    expect(await providerForEmail(database.db, 'no-domain')).toBeNull()
  })

  it('refuses a domain another tenant covers with a 409 naming domains, saving nothing', async () => {
    const attempt = withTenant(database.db, t.b.id, tx =>
      saveSso(tx, { tenantId: t.b.id, userId: t.b.admin }, settings(['b.sso', 'a.sso']), 'secret-b'))
    await expect(attempt).rejects.toMatchObject({ statusCode: 409, data: { field: 'domains', domains: ['a.sso'] } })
    expect(await withTenant(database.db, t.b.id, tx => ssoPolicy(tx, t.b.id))).toBeNull()
  })

  it('matches a verified email within the provider\'s tenant only, never another tenant\'s member', async () => {
    const result = await withTenant(database.db, t.a.id, tx => signInWithClaims(tx, t.a.id,
      { sub: 'x', email: 'rep@b.sso', email_verified: true, name: 'B Rep Twin' }, { ip: null, seatLeft: async () => true }))
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.created).toBe(true)
    expect(result.user).toMatchObject({ tenantId: t.a.id, role: 'rep', passwordHash: null })
    expect(result.user.id).not.toBe(t.b.rep)
    const again = await withTenant(database.db, t.a.id, tx => signInWithClaims(tx, t.a.id,
      { sub: 'x', email: 'REP@b.sso', email_verified: true }, { ip: null, seatLeft: async () => false }))
    expect(again).toMatchObject({ ok: true, created: false, user: { id: result.user.id } })
  })

  it('provisions no one past the plan\'s seats', async () => {
    const full = await withTenant(database.db, t.a.id, tx => signInWithClaims(tx, t.a.id,
      { sub: 'y', email: 'new@a.sso', email_verified: true }, { ip: null, seatLeft: async () => false }))
    expect(full).toEqual({ ok: false, reason: 'seat_limit' })
  })

  it('under "SSO only" lets admins use their password and no one else in that tenant', async () => {
    await withTenant(database.db, t.a.id, tx =>
      saveSso(tx, { tenantId: t.a.id, userId: t.a.admin }, settings(['a.sso'], { ssoOnly: true }), 'secret-a'))
    expect(await passwordSignInAllowed(database.db, { tenantId: t.a.id, id: t.a.rep, role: 'rep' }, null)).toBe(false)
    expect(await passwordSignInAllowed(database.db, { tenantId: t.a.id, id: t.a.admin, role: 'admin' }, null)).toBe(true)
    expect(await passwordSignInAllowed(database.db, { tenantId: t.b.id, id: t.b.rep, role: 'rep' }, null)).toBe(true)
  })
})
