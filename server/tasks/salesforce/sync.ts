import { runTask } from '../../domain/jobs/registry'

/**
 * salesforce:sync — every 5 minutes: syncs each active Salesforce connection whose own interval
 * (15 minutes unless set) has passed, page by page with the watermark committed per page.
 * Single-flight per connection across processes (a lease on the connection row).
 */
export default defineTask({
  meta: { name: 'salesforce:sync', description: 'Pull accounts, contacts, opportunities and activities from each due Salesforce org' },
  async run() {
    return { result: await runTask(await useDb(), 'salesforce:sync') }
  },
})
