// Pure helpers of the soak run: latency percentiles per endpoint, and the slope of a series.

export interface Sample { at: number, rssMb: number }

/** Least-squares slope of RSS over time, in MB per minute (0 for fewer than two samples). */
export function slopePerMinute(samples: readonly Sample[]): number {
  if (samples.length < 2) return 0
  const n = samples.length
  const mx = samples.reduce((a, s) => a + s.at, 0) / n
  const my = samples.reduce((a, s) => a + s.rssMb, 0) / n
  const sxx = samples.reduce((a, s) => a + (s.at - mx) ** 2, 0)
  const sxy = samples.reduce((a, s) => a + (s.at - mx) * (s.rssMb - my), 0)
  return sxx === 0 ? 0 : (sxy / sxx) * 60
}

/** The value below which `p` (0-1) of the sorted values fall. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}

/** Request durations per endpoint. */
export class Latencies {
  private byEndpoint = new Map<string, number[]>()

  add(endpoint: string, ms: number) {
    const list = this.byEndpoint.get(endpoint) ?? []
    list.push(ms)
    this.byEndpoint.set(endpoint, list)
  }

  /** One row per endpoint: requests, p50 / p95 / p99 / max in ms. */
  table() {
    return [...this.byEndpoint].map(([endpoint, list]) => {
      const sorted = [...list].sort((a, b) => a - b)
      const ms = (v: number) => Math.round(v * 10) / 10
      return {
        endpoint,
        requests: list.length,
        p50: ms(percentile(sorted, 0.5)),
        p95: ms(percentile(sorted, 0.95)),
        p99: ms(percentile(sorted, 0.99)),
        max: ms(sorted.at(-1) ?? 0),
      }
    })
  }
}
