import { z } from 'zod'
import { DomainError } from '../../domain/core/errors'
import { audit } from '../../domain/tenancy/audit'
import { loginEmailTaken } from '../../domain/tenancy/people'
import { createTenant, createUser } from '../../domain/tenancy/tenants'

export const BodySchema = z.object({
  orgName: NameSchema,
  name: NameSchema,
  email: EmailSchema,
  password: PasswordSchema,
}).strict()

/**
 * One answer whenever the email cannot be used — taken already, or taken by a parallel sign-up
 * a moment ago (a unique violation) — that does not say whether someone has an account with it.
 */
const refused = () => new DomainError(409, 'sign-up is not possible with these details', {
  issues: [{ path: 'email', message: 'use another email, or sign in if you already have an account' }],
})

/** A new tenant on the free plan, with the caller as its admin, signed in. */
export default defineEventHandler(async (event) => {
  const body = await readValidated(event, BodySchema)
  const db = await useDb()
  if (await loginEmailTaken(db, body.email)) throw refused()
  const { tenant, result: user } = await createTenant(db, { name: body.orgName, plan: 'free' }, async (tx, t) => {
    const admin = await createUser(tx, t.id, { email: body.email, name: body.name, role: 'admin', password: body.password })
    await audit(tx, { tenantId: t.id, userId: admin.id, ip: clientIp(event) }, 'auth.signup', { targetType: 'tenant', targetId: t.id })
    return admin
  }).catch((error: unknown) => {
    throw error instanceof DomainError && error.statusCode === 409 ? refused() : error
  })
  const sessionUser = await startSession(event, user!)
  setResponseStatus(event, 201)
  return { user: sessionUser, tenant: { id: tenant.id, name: tenant.name, plan: tenant.plan } }
})
