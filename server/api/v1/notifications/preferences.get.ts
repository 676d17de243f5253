import { getPreferences } from '../../../domain/work/notifications'

/** Which emails the caller gets: task reminders, the daily digest. */
export default defineEventHandler(event => scoped(event, (tx, auth) => getPreferences(tx, auth.tenantId, auth.userId)))
