import { getPreferences } from '../../../domain/notifications/notifications'

export const meta = defineRoute({ tag: 'Work', summary: 'Which emails the caller gets (task reminders, daily digest)' })

/** Which emails the caller gets: task reminders, the daily digest. */
export default defineEventHandler(event => scoped(event, (tx, auth) => getPreferences(tx, auth.tenantId, auth.userId)))
