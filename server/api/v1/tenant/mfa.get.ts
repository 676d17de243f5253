import { mfaPolicy } from '../../../domain/tenancy/mfa'

export const meta = defineRoute({ tag: 'People', summary: 'Whether the tenant requires two-factor authentication of every member' })

/** `{ requireMfa }` (everyone signed in). */
export default defineEventHandler(event => scoped(event, (tx, auth) => mfaPolicy(tx, auth.tenantId)))
