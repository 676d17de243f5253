import type { AppDatabase } from '../../../db/client'
import { withTenant } from '../core/db'
import { refreshMomentum, type RefreshResult } from './refresh'

/** How long after an event the tenant's dirty deals are rescored (bursts of events are scored together). */
export const RESCORE_DELAY_MS = 1000

/**
 * Rescoring within seconds of an event: each `event.created` schedules, a moment later, an
 * incremental run of that tenant (the deals momentum_dirty names, through the same refresh code as
 * the hourly task). One run per tenant at a time in this process; a run that finds another
 * process's under way (the advisory lock) or events arriving meanwhile runs again after it.
 */
export class LiveRescorer {
  private pending = new Map<string, ReturnType<typeof setTimeout>>()
  private running = new Map<string, Promise<void>>()
  private again = new Set<string>()
  private stopped = false

  constructor(
    private readonly db: () => Promise<AppDatabase>,
    private readonly onError: (tenantId: string, error: unknown) => void = () => {},
    private readonly delayMs = RESCORE_DELAY_MS,
    private readonly onRun: (tenantId: string, result: RefreshResult) => void = () => {},
  ) {}

  /** An event was stored for the tenant: rescore its dirty deals soon. */
  schedule(tenantId: string) {
    if (this.stopped) return
    if (this.running.has(tenantId)) {
      this.again.add(tenantId)
      return
    }
    if (this.pending.has(tenantId)) return
    this.pending.set(tenantId, setTimeout(() => {
      this.pending.delete(tenantId)
      this.running.set(tenantId, this.run(tenantId))
    }, this.delayMs))
  }

  private async run(tenantId: string) {
    try {
      const db = await this.db()
      const result = await withTenant(db, tenantId, tx => refreshMomentum(tx, tenantId))
      this.onRun(tenantId, result)
      if (result.skipped) this.again.add(tenantId)
    }
    catch (error) {
      this.onError(tenantId, error)
    }
    finally {
      this.running.delete(tenantId)
      if (this.again.delete(tenantId)) this.schedule(tenantId)
    }
  }

  /** Stops scheduling and waits for the runs under way. */
  async stop() {
    this.stopped = true
    for (const timer of this.pending.values()) clearTimeout(timer)
    this.pending.clear()
    await Promise.all(this.running.values())
  }
}
