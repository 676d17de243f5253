import { runTask } from '../../domain/jobs/registry'

/** email:retention — daily: strips raw inbound email payloads older than each tenant's retention (default 30 days). */
export default defineTask({
  meta: { name: 'email:retention', description: 'Strip raw inbound email payloads past their retention' },
  async run() {
    return { result: await runTask(await useDb(), 'email:retention') }
  },
})
