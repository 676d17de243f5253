import { runTask } from '../../domain/jobs/registry'

/** pipeline:snapshot — daily: each open deal's stage, amount, close date and category, for forecast history. */
export default defineTask({
  meta: { name: 'pipeline:snapshot', description: 'Snapshot every open deal for the day' },
  async run() {
    return { result: await runTask(await useDb(), 'pipeline:snapshot') }
  },
})
