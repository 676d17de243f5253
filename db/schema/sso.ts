import { boolean, pgTable, text, timestamp, uuid, index } from 'drizzle-orm/pg-core'
import { tenantId, timestamps } from './_shared'
import { tenants } from './tenancy'

/**
 * A tenant's OpenID Connect provider (single sign-on): the issuer (checked by discovery when
 * saved), the client id, and the client secret sealed with ENCRYPTION_KEY (never returned).
 * `jit_provisioning` creates a rep on a first sign-in; `sso_only` turns passwords off for the
 * tenant's members but its admins (a break-glass password).
 */
export const ssoProviders = pgTable('sso_providers', {
  tenantId: tenantId().primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  /** AES-256-GCM sealed JSON: `{ clientSecret }`. */
  secrets: text('secrets').notNull(),
  jitProvisioning: boolean('jit_provisioning').notNull().default(false),
  ssoOnly: boolean('sso_only').notNull().default(false),
  createdById: uuid('created_by_id'),
  ...timestamps,
})

/**
 * The email domains a tenant's provider covers, one tenant each (the primary key): sign-in by
 * email finds the tenant by its domain before it knows the tenant (`app.sso_domain`, see the
 * policy of migration 0028).
 */
export const ssoDomains = pgTable('sso_domains', {
  domain: text('domain').primaryKey(),
  tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, t => [
  index('sso_domains_tenant_idx').on(t.tenantId),
])
