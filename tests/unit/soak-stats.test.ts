import { describe, expect, it } from 'vitest'
import { Latencies, percentile, slopePerMinute } from '../../bench/soakStats'

describe('soak statistics', () => {
  it('fits the RSS slope in MB per minute, and reads percentiles', () => {
    expect(slopePerMinute([{ at: 0, rssMb: 100 }, { at: 30, rssMb: 101 }, { at: 60, rssMb: 102 }])).toBeCloseTo(2)
    expect(slopePerMinute([{ at: 0, rssMb: 150 }, { at: 60, rssMb: 150 }])).toBe(0)
    expect(slopePerMinute([{ at: 0, rssMb: 150 }])).toBe(0)
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10)
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2)
    const latencies = new Latencies()
    for (const ms of [5, 1, 3]) latencies.add('GET /x', ms)
    expect(latencies.table()).toEqual([{ endpoint: 'GET /x', requests: 3, p50: 3, p95: 5, p99: 5, max: 5 }])
  })
})
