import { runTask } from '../../domain/jobs/registry'

/** digest:send — daily: each user's digest email (focus list, overdue tasks, new alerts), once a day. */
export default defineTask({
  meta: { name: 'digest:send', description: 'Send each user their daily digest email' },
  async run() {
    return { result: await runTask(await useDb(), 'digest:send') }
  },
})
