import { readTargets } from '../../../../domain/reports/activity'

export const meta = defineRoute({
  tag: 'Reports',
  summary: 'Weekly activity targets of the reps (and their teams\' defaults) the caller sees',
})

/** Each rep's own weekly targets, the targets in force (their own, else their team's), and the teams' defaults. */
export default defineEventHandler(async (event) => {
  return scoped(event, (tx, auth) => readTargets(tx, auth.access))
})
