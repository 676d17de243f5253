import { consola } from 'consola'
import { processQueue } from '../domain/automation/engine'
import { loggable } from '../domain/core/errors'
import { deliverDue } from '../domain/webhooks/deliver'
import { hasAutomation } from '../domain/automation/jobs'

/**
 * Automation as events are written: each `event.created` on the bus (from any process, through
 * Postgres NOTIFY) schedules a pass over that tenant's automation queue and due webhooks, a
 * moment later so bursts are handled together. Every process may do it: the queue and the
 * deliveries are claimed with SKIP LOCKED. The scheduled tasks catch up on anything missed.
 */
export default defineNitroPlugin(() => {
  const pending = new Map<string, ReturnType<typeof setTimeout>>()
  const running = new Set<string>()
  const pass = async (tenantId: string) => {
    if (running.has(tenantId)) return schedule(tenantId)
    running.add(tenantId)
    try {
      const db = await useDb()
      if (!await hasAutomation(db, tenantId, new Date())) return
      const result = await processQueue(db, tenantId, new Date())
      if (result.events || result.deliveries) await deliverDue(db, tenantId, new Date())
    }
    catch (error) {
      consola.warn(`[automation] ${tenantId}: ${loggable(error)}`)
    }
    finally {
      running.delete(tenantId)
    }
  }
  function schedule(tenantId: string) {
    if (pending.has(tenantId)) return
    pending.set(tenantId, setTimeout(() => {
      pending.delete(tenantId)
      void pass(tenantId)
    }, 300))
  }
  bus.subscribeAll((message) => {
    if (message.topic === 'event.created') schedule(message.tenantId)
  })
})
