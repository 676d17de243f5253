import { z } from 'zod'
import { audit } from '../../domain/tenancy/audit'
import { loginEmailTaken } from '../../domain/tenancy/people'
import { createTenant, createUser } from '../../domain/tenancy/tenants'

export const BodySchema = z.object({
  orgName: NameSchema,
  name: NameSchema,
  email: EmailSchema,
  password: PasswordSchema,
}).strict()

/** A new tenant on the free plan, with the caller as its admin, signed in. */
export default defineEventHandler(async (event) => {
  const body = await readValidated(event, BodySchema)
  const db = await useDb()
  if (await loginEmailTaken(db, body.email)) {
    throw createError({ statusCode: 409, statusMessage: 'this email already has an account', data: { issues: [{ path: 'email', message: 'already registered: sign in instead' }] } })
  }
  const { tenant, result: user } = await createTenant(db, { name: body.orgName, plan: 'free' }, async (tx, t) => {
    const admin = await createUser(tx, t.id, { email: body.email, name: body.name, role: 'admin', password: body.password })
    await audit(tx, { tenantId: t.id, userId: admin.id, ip: clientIp(event) }, 'auth.signup', { targetType: 'tenant', targetId: t.id })
    return admin
  })
  const sessionUser = await startSession(event, user!)
  setResponseStatus(event, 201)
  return { user: sessionUser, tenant: { id: tenant.id, name: tenant.name, plan: tenant.plan } }
})
