import { eq } from 'drizzle-orm'
import { tenants } from '../../../db/schema'
import type { Tx } from '../core/db'
import { notFound } from '../core/errors'
import { recordsChanged } from '../events/bus'
import { audit, type Actor } from './audit'

/**
 * The tenant's own settings every member reads: its name and the currency its totals are shown
 * in (board columns, forecasts). Deals keep their own currency; the tenant's converts nothing.
 */
export interface TenantSettings { id: string, name: string, currency: string }

export async function tenantSettings(tx: Tx, tenantId: string): Promise<TenantSettings> {
  const [tenant] = await tx.select({ id: tenants.id, name: tenants.name, currency: tenants.currency }).from(tenants)
    .where(eq(tenants.id, tenantId))
  if (!tenant) throw notFound('tenant')
  return tenant
}

/** The currency the tenant's totals are shown in (USD until an admin chooses one). */
export async function tenantCurrency(tx: Tx, tenantId: string): Promise<string> {
  return (await tenantSettings(tx, tenantId)).currency
}

/** Sets the tenant's currency (admins; the code is validated by the route); audited with the old and new code. */
export async function setTenantSettings(tx: Tx, actor: Actor, input: { currency: string }) {
  const before = await tenantSettings(tx, actor.tenantId)
  if (before.currency !== input.currency) {
    await tx.update(tenants).set({ currency: input.currency, updatedAt: new Date() }).where(eq(tenants.id, actor.tenantId))
    await audit(tx, actor, 'tenant.currency_set', {
      targetType: 'tenant',
      targetId: actor.tenantId,
      metadata: { from: before.currency, to: input.currency },
    })
    await recordsChanged(tx, actor.tenantId)
  }
  return tenantSettings(tx, actor.tenantId)
}
