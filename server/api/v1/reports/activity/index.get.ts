import { activityReport } from '../../../../domain/reports/activity'
import { ActivityQuerySchema } from '../../../../domain/reports/schemas'
import { CSV_COLUMNS, csvRows } from '../../../../../shared/utils/activityReport'

export const QuerySchema = ActivityQuerySchema

export const meta = defineRoute({
  tag: 'Reports',
  summary: 'Activity per rep, team, day or ISO week over a range, with targets and attainment (format=csv downloads it)',
  query: QuerySchema,
})

/**
 * Calls (and connected calls), emails sent and received, meetings held, notes, tasks completed,
 * deals created and stage moves for what the caller sees (a rep: their own; a manager: the reps
 * of the teams they lead; an admin: everyone), from the daily rollup and today's events.
 */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  const auth = await requireAuth(event)
  const report = await activityReport(await useDb(), auth.access, query)
  if (query.format === 'csv') {
    return sendCsv(event, `activity-${query.groupBy}-${query.from}-${query.to}.csv`, CSV_COLUMNS, csvRows(report.rows))
  }
  return report
})
