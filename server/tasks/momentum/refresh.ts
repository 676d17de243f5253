import { runTask } from '../../domain/jobs/registry'

/**
 * momentum:refresh — hourly: rescores each tenant's deals that changed (new events, never
 * scored, or last scored on an earlier day), raises alerts, then refreshes the pipeline views.
 * `payload.full` rescores every open deal. Single-flight per tenant across processes.
 */
export default defineTask({
  meta: { name: 'momentum:refresh', description: 'Score deal momentum, raise alerts, refresh the pipeline views' },
  async run({ payload }) {
    return { result: await runTask(await useDb(), 'momentum:refresh', { full: payload?.full === true }) }
  },
})
