import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import { queryRows, type AppDatabase, type Tx } from '../../../db/client'
import { databaseBusy, databaseUnavailable, duplicate, isConflictAbort, isConnectionError, isUniqueViolation } from './errors'
import { carryPublished, deliverCommitted } from '../events/bus'

/**
 * A lost connection or an aborted conflict rolled the transaction back: say so (503, retryable),
 * not a bare 500; a unique violation (two requests creating the same thing at once) is a 409.
 */
export const unavailable = (error: unknown): never => {
  throw isConnectionError(error)
    ? databaseUnavailable()
    : isConflictAbort(error)
      ? databaseBusy()
      : isUniqueViolation(error)
        ? duplicate()
        : error
}

/** A transaction handle (db/client.ts), re-exported for the domain. */
export type { Tx } from '../../../db/client'

/** The database role request transactions run as: not a superuser, subject to row-level security. */
export const APP_ROLE = 'momentum_app'

/**
 * What a transaction may see: the whole tenant, or the records of some owners in it. `teamIds`
 * are the teams a manager leads (teams.manager_id): the one definition of a manager's scope,
 * whose members are in `ownerIds` (tenancy/access.ts).
 */
export type Access
  = | { tenantId: string, scope: 'tenant' }
    | { tenantId: string, scope: 'owners', ownerIds: readonly string[], teamIds?: readonly string[] }

/**
 * The one door to tenant data. Runs `fn` in a transaction as the app role with the tenant and
 * the caller's visibility set by `set_config(..., true)` — transaction-local, so safe on a
 * transaction pooler — and the row-level security policies (migration 0003) filter every query
 * inside it: another tenant's rows, and rows the caller's role may not see, are simply not there.
 */
export function withAccess<T>(db: AppDatabase, access: Access, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const owners = access.scope === 'owners' ? access.ownerIds.join(',') : ''
  return committed(db, async (tx) => {
    // JIT off: row-level security's sub-plans make plans look expensive, and compiling them
    // costs more (~150 ms) than these short queries take to run.
    await tx.execute(sql`select set_config('role', ${APP_ROLE}, true), set_config('app.tenant_id', ${access.tenantId}, true),
      set_config('app.scope', ${access.scope}, true), set_config('app.owners', ${owners}, true), set_config('jit', 'off', true)`)
    return fn(tx)
  }).catch(unavailable)
}

/**
 * A transaction whose bus messages this process hears as soon as it commits (`publish` sends them
 * to the other processes at commit). Every transaction that may publish is opened through it.
 */
export async function committed<T>(db: AppDatabase, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let handle: Tx | undefined
  const result = await db.transaction((tx) => {
    handle = tx
    return fn(tx)
  })
  if (handle) deliverCommitted(handle)
  return result
}

/**
 * Runs `fn` in a savepoint of `tx`: when it throws, what it wrote is rolled back (and what it
 * published is never heard) while the transaction goes on; when it succeeds, its bus messages
 * are heard when `tx` commits.
 */
export async function savepoint<T>(tx: Tx, fn: (sp: Tx) => Promise<T>): Promise<T> {
  let inner: Tx | undefined
  const result = await tx.transaction((sp) => {
    inner = sp as Tx
    return fn(sp as Tx)
  })
  if (inner) carryPublished(inner, tx)
  return result
}

/**
 * The owners an access is limited to, or null for the whole tenant. Row-level security filters by
 * them anyway; naming them in a query as well (`ownerIn`) lets the planner start from those owners'
 * deals by an index instead of testing every row of the tenant against the policies.
 */
export function ownersOf(access: Access): readonly string[] | null {
  return access.scope === 'owners' ? access.ownerIds : null
}

/** `column = any(owners)`, or nothing (undefined) when `owners` is null: the whole tenant. */
export function ownerIn(column: SQLWrapper, owners: readonly string[] | null | undefined): SQL | undefined {
  return owners ? sql`${column} = any(${`{${owners.join(',')}}`}::uuid[])` : undefined
}

/** A condition as `and …` inside a raw statement, or nothing. */
export function andWhere(condition: SQL | undefined): SQL {
  return condition ? sql`and ${condition}` : sql``
}

/** The whole tenant: for admins and for system work (tasks, seeding, integrations). */
export function withTenant<T>(db: AppDatabase, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withAccess(db, { tenantId, scope: 'tenant' }, fn)
}

/** Settings that open one row each before the tenant is known (see the policies of migration 0003). */
export interface Lookup {
  loginEmail?: string
  apiKeyPrefix?: string
  inviteTokenHash?: string
  stripeCustomerId?: string
  emailConnectionId?: string
  /** An email domain single sign-on covers (sso_domains, migration 0028). */
  ssoDomain?: string
  /** sha256 of a password reset token (tenancy/passwordReset.ts). */
  resetTokenHash?: string
}

/** A transaction as the app role with no tenant, that can see only the rows a lookup names. */
export function withLookup<T>(db: AppDatabase, lookup: Lookup, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return committed(db, async (tx) => {
    await tx.execute(sql`select set_config('role', ${APP_ROLE}, true),
      set_config('app.login_email', ${lookup.loginEmail?.toLowerCase() ?? ''}, true),
      set_config('app.api_key_prefix', ${lookup.apiKeyPrefix ?? ''}, true),
      set_config('app.invite_token_hash', ${lookup.inviteTokenHash ?? ''}, true),
      set_config('app.stripe_customer_id', ${lookup.stripeCustomerId ?? ''}, true),
      set_config('app.email_connection_id', ${lookup.emailConnectionId ?? ''}, true),
      set_config('app.sso_domain', ${lookup.ssoDomain?.toLowerCase() ?? ''}, true),
      set_config('app.reset_token_hash', ${lookup.resetTokenHash ?? ''}, true), set_config('jit', 'off', true)`)
    return fn(tx)
  }).catch(unavailable)
}

/**
 * The tenants a job that walks them all visits (or just `only`). The owner reads the tenants
 * table whole (it is not FORCEd; see migration 0003): for the scheduler and `npm run task`, never
 * for one tenant's request.
 */
export async function tenantIds(db: AppDatabase, only?: string): Promise<string[]> {
  if (only) return [only]
  return (await queryRows<{ id: string }>(db, sql`select id from tenants order by created_at, id`)).map(t => t.id)
}
