import { listReports } from '../../../domain/reports/saved'

export const meta = defineRoute({
  tag: 'Reports',
  summary: 'The caller\'s saved reports and the shared ones of their team (admins: every shared one)',
})

/** The caller's saved reports and the shared ones of their team (admins: every shared one). */
export default defineEventHandler(event => scoped(event, (tx, auth) => listReports(tx, viewerOf(auth))))
