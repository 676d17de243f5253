import { runTask } from '../../domain/jobs/registry'

/** pipeline:refresh — refreshes the pipeline and activity materialized views (CONCURRENTLY). */
export default defineTask({
  meta: { name: 'pipeline:refresh', description: 'Refresh the pipeline summary and activity views' },
  async run() {
    return { result: await runTask(await useDb(), 'pipeline:refresh') }
  },
})
