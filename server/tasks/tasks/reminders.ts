import { runTask } from '../../domain/jobs/registry'

/**
 * tasks:reminders — every 15 minutes: a notification (and, if the assignee wants it, an email)
 * for each task that fell due, once per due time; flags open deals without a next task.
 */
export default defineTask({
  meta: { name: 'tasks:reminders', description: 'Remind assignees of due tasks; flag deals with no next step' },
  async run() {
    return { result: await runTask(await useDb(), 'tasks:reminders') }
  },
})
