import { describe, expect, it } from 'vitest'
import { auc, brier, deciles, fitLogistic, logit, sigmoid } from '../../server/domain/momentum/logistic'
import { rng } from '../../scripts/momentum-eval/generator'

describe('AUC and Brier', () => {
  it('scores a perfect ranking 1, a reversed one 0, and ties one half', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1)
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0)
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5)
    // One won deal below one lost deal out of 2 x 2 pairs.
    expect(auc([0.1, 0.6, 0.5, 0.9], [0, 0, 1, 1])).toBe(0.75)
    expect(auc([0.3, 0.4], [1, 1])).toBeNaN()
  })

  it('measures the mean squared distance of the probabilities from what happened', () => {
    expect(brier([1, 0], [1, 0])).toBe(0)
    expect(brier([0.5, 0.5], [1, 0])).toBe(0.25)
    expect(brier([0.8, 0.3], [true, false])).toBeCloseTo((0.04 + 0.09) / 2)
  })

  it('splits predictions into tenths with their mean prediction and actual win rate', () => {
    const p = Array.from({ length: 20 }, (_, i) => i / 20)
    const y = p.map(v => (v >= 0.5 ? 1 : 0))
    const table = deciles(p, y)
    expect(table).toHaveLength(10)
    expect(table[0]).toMatchObject({ decile: 1, deals: 2, actual: 0 })
    expect(table[9]).toMatchObject({ decile: 10, deals: 2, actual: 1 })
    expect(table[0]!.predicted).toBeCloseTo(0.025)
  })
})

describe('regularized logistic regression', () => {
  /** Data from a known model: z = offset - 0.5 + 1.5·x1 - 1·x2. */
  const sample = (n: number, seed: number) => {
    const r = rng(seed)
    const x: number[][] = []
    const y: number[] = []
    const offset: number[] = []
    for (let i = 0; i < n; i++) {
      const x1 = r.normal()
      const x2 = r.chance(0.3) ? 1 : 0
      const o = logit(r.between(0.05, 0.75))
      x.push([1, x1, x2])
      offset.push(o)
      y.push(r.next() < sigmoid(o - 0.5 + 1.5 * x1 - x2) ? 1 : 0)
    }
    return { x, y: y as (0 | 1)[], offset }
  }

  it('recovers the weights of the model that generated the data, around the offset', () => {
    const w = fitLogistic(sample(6000, 1), { lambda: 0.01 })
    expect(w[0]).toBeCloseTo(-0.5, 0)
    expect(w[1]).toBeCloseTo(1.5, 0)
    expect(w[2]).toBeCloseTo(-1, 0)
    expect(Math.abs(w[1]! - 1.5)).toBeLessThan(0.15)
  })

  it('shrinks toward the center it is given: strong penalty, weights stay near it', () => {
    const data = sample(300, 2)
    const center = [0, 0.2, 0]
    const loose = fitLogistic(data, { lambda: 0.01 })
    const tight = fitLogistic(data, { lambda: 1e5, center })
    expect(tight[1]).toBeCloseTo(0.2, 2)
    expect(Math.abs(loose[1]! - 1.5)).toBeLessThan(Math.abs(tight[1]! - 1.5))
  })

  it('keeps a weight on the side its sign allows (held at zero when the data pull the other way)', () => {
    const data = sample(3000, 3)
    // x2 truly lowers the chance; constrained to be >= 0 it is held at 0, and x1 still fits.
    const w = fitLogistic(data, { lambda: 0.01, signs: [0, 0, 1] })
    expect(w[2]).toBe(0)
    expect(w[1]).toBeGreaterThan(1.2)
  })
})
