import type { AppDatabase } from '../../../db/client'
import { config } from '../core/config'
import { withTenant, type Tx } from '../core/db'
import { loadBilling } from './apply'
import { effectiveCapabilities, type Effective } from './capabilities'
import type { Capability } from './plans'
import { billingStateOf } from './usage'

/**
 * What the tenant's plan allows now — capabilities and limits — from the local tables (never from
 * Stripe): the one place it is worked out, for the request middleware (through its cache,
 * server/utils/billing.ts) and the background jobs alike.
 */
export async function capabilitiesOf(tx: Tx, tenantId: string, now = new Date()): Promise<Effective> {
  return effectiveCapabilities(billingStateOf(await loadBilling(tx, tenantId)), now, config.billingEnabled())
}

/** Whether the tenant's plan includes a capability now, in a transaction of its own. */
export async function planIncludes(db: AppDatabase, tenantId: string, capability: Capability, now = new Date()): Promise<boolean> {
  return (await withTenant(db, tenantId, tx => capabilitiesOf(tx, tenantId, now))).capabilities.includes(capability)
}
