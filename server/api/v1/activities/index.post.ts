import { ActivitySchema, logActivity } from '../../../domain/events/activities'

export const meta = defineRoute({ tag: 'Events', summary: 'Log a call, meeting, note or email', body: ActivitySchema, status: 201 })

/** Log a call, meeting, note or email from the app: it becomes an event on the deal's timeline. */
export default defineEventHandler(async (event) => {
  const activity = await readValidated(event, ActivitySchema)
  const result = await scoped(event, (tx, auth) => logActivity(tx, auth, activity))
  setResponseStatus(event, 201)
  return result
})
