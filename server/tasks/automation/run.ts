import { runTask } from '../../domain/jobs/registry'

/**
 * automation:run — hourly (events are also processed as they arrive, see plugins/automation.ts):
 * drains the automation queue, fires time-based rules (quiet deals, momentum changes, new leads,
 * overdue tasks) once per occurrence, and sends the sequence steps that are due.
 */
export default defineTask({
  meta: { name: 'automation:run', description: 'Run automation rules and send due sequence emails' },
  async run() {
    return { result: await runTask(await useDb(), 'automation:run') }
  },
})
