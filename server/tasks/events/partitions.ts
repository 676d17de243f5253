import { runTask } from '../../domain/jobs/registry'

/**
 * events:partitions — creates the next three months' partitions of `events` ahead of time and
 * moves rows out of the default partition into their month's partition. Daily, and at start-up.
 */
export default defineTask({
  meta: { name: 'events:partitions', description: 'Create monthly event partitions ahead of time' },
  async run() {
    return { result: await runTask(await useDb(), 'events:partitions') }
  },
})
