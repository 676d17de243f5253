import { runTask } from '../../domain/jobs/registry'

/** webhooks:deliver — every minute: sends due outbound webhook deliveries, retrying failures with backoff for a day. */
export default defineTask({
  meta: { name: 'webhooks:deliver', description: 'Deliver outbound webhooks (signed, retried with backoff)' },
  async run() {
    return { result: await runTask(await useDb(), 'webhooks:deliver') }
  },
})
