/**
 * Regularized logistic regression and the measures a probability is judged by (AUC, Brier), in
 * plain TypeScript. Pure: the momentum model is fitted with these (scripts/momentum-eval) and
 * each tenant's closed deals refine it (calibration.ts).
 */

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)))
export const logit = (p: number) => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p))
  return Math.log(q / (1 - q))
}

export interface FitInput {
  /** One row of feature values per example. */
  x: readonly (readonly number[])[]
  y: readonly (0 | 1 | boolean)[]
  /** A fixed log-odds each example starts from (the stage's prior); 0 when absent. */
  offset?: readonly number[]
}

export interface FitOptions {
  /** L2 strength per feature: the penalty is lambda/2 · (w - center)². */
  lambda: number | readonly number[]
  /** Where the penalty pulls each weight (the prior to shrink toward); zeros by default. */
  center?: readonly number[]
  /** Per feature: +1 weight kept >= 0, -1 kept <= 0, 0 free. */
  signs?: readonly number[]
  iterations?: number
}

/** Solves A·x = b (A symmetric positive definite) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length
  const m = a.map((row, i) => [...row, b[i]!])
  for (let col = 0; col < n; col++) {
    let pivot = col
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r
    ;[m[col], m[pivot]] = [m[pivot]!, m[col]!]
    const p = m[col]![col]!
    if (Math.abs(p) < 1e-12) continue
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / p
      if (f === 0) continue
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!
    }
  }
  const x = Array.from({ length: n }, () => 0)
  for (let r = n - 1; r >= 0; r--) {
    let sum = m[r]![n]!
    for (let c = r + 1; c < n; c++) sum -= m[r]![c]! * x[c]!
    const p = m[r]![r]!
    x[r] = Math.abs(p) < 1e-12 ? 0 : sum / p
  }
  return x
}

/**
 * Fits weights by Newton's method on the penalized log-likelihood. Sign constraints are kept by
 * an active set: a weight that would cross its bound is held at the bound and the rest refitted.
 * Answers the weights (one per feature column; put a column of ones in `x` for an intercept).
 */
export function fitLogistic(input: FitInput, options: FitOptions): number[] {
  const n = input.x.length
  const k = n ? input.x[0]!.length : (options.center?.length ?? 0)
  const lambda = typeof options.lambda === 'number' ? Array.from({ length: k }, () => options.lambda as number) : [...options.lambda]
  const center = options.center ? [...options.center] : Array.from({ length: k }, () => 0)
  const signs = options.signs ?? Array.from({ length: k }, () => 0)
  const y = input.y.map(v => (v === true || v === 1 ? 1 : 0))
  const offset = input.offset ?? Array.from({ length: n }, () => 0)
  const w = center.map((c, j) => (signs[j]! > 0 ? Math.max(0, c) : signs[j]! < 0 ? Math.min(0, c) : c))
  const fixed = new Set<number>()
  for (let iteration = 0; iteration < (options.iterations ?? 50); iteration++) {
    const gradient = w.map((wj, j) => lambda[j]! * (wj - center[j]!))
    const hessian = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? lambda[i]! : 0)))
    for (let i = 0; i < n; i++) {
      const row = input.x[i]!
      let z = offset[i]!
      for (let j = 0; j < k; j++) z += w[j]! * row[j]!
      const p = sigmoid(z)
      const r = p - y[i]!
      const v = Math.max(p * (1 - p), 1e-9)
      for (let a = 0; a < k; a++) {
        const xa = row[a]!
        if (xa === 0) continue
        gradient[a]! += r * xa
        for (let b = a; b < k; b++) hessian[a]![b]! += v * xa * row[b]!
      }
    }
    for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) hessian[a]![b] = hessian[b]![a]!
    // Held weights stay where they are: their rows become the identity, their step zero.
    for (const j of fixed) {
      for (let c = 0; c < k; c++) {
        hessian[j]![c] = 0
        hessian[c]![j] = 0
      }
      hessian[j]![j] = 1
      gradient[j] = 0
    }
    const step = solve(hessian, gradient)
    let moved = 0
    let newlyFixed = false
    for (let j = 0; j < k; j++) {
      if (fixed.has(j)) continue
      let next = w[j]! - step[j]!
      if ((signs[j]! > 0 && next < 0) || (signs[j]! < 0 && next > 0)) {
        next = 0
        fixed.add(j)
        newlyFixed = true
      }
      moved = Math.max(moved, Math.abs(next - w[j]!))
      w[j] = next
    }
    if (moved < 1e-7 && !newlyFixed) break
  }
  return w
}

/** Area under the ROC curve: the chance a random won deal is ranked above a random lost one (ties count half). */
export function auc(predicted: readonly number[], actual: readonly (0 | 1 | boolean)[]): number {
  const rows = predicted.map((p, i) => ({ p, y: actual[i] === true || actual[i] === 1 })).sort((a, b) => a.p - b.p)
  let rankSum = 0
  let positives = 0
  for (let i = 0; i < rows.length;) {
    let j = i
    while (j < rows.length && rows[j]!.p === rows[i]!.p) j++
    const rank = (i + 1 + j) / 2
    for (let t = i; t < j; t++) {
      if (rows[t]!.y) {
        rankSum += rank
        positives++
      }
    }
    i = j
  }
  const negatives = rows.length - positives
  if (!positives || !negatives) return Number.NaN
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
}

/** Mean squared error of the probabilities against what happened (0 is perfect; 0.25 is a coin). */
export function brier(predicted: readonly number[], actual: readonly (0 | 1 | boolean)[]): number {
  if (!predicted.length) return Number.NaN
  let sum = 0
  predicted.forEach((p, i) => {
    const y = actual[i] === true || actual[i] === 1 ? 1 : 0
    sum += (p - y) ** 2
  })
  return sum / predicted.length
}

/** Deciles of the predictions: per tenth (lowest first), the mean prediction and the actual win rate. */
export function deciles(predicted: readonly number[], actual: readonly (0 | 1 | boolean)[], groups = 10) {
  const rows = predicted.map((p, i) => ({ p, y: actual[i] === true || actual[i] === 1 ? 1 : 0 })).sort((a, b) => a.p - b.p)
  return Array.from({ length: groups }, (_, g) => {
    const part = rows.slice(Math.floor((g * rows.length) / groups), Math.floor(((g + 1) * rows.length) / groups))
    return {
      decile: g + 1,
      deals: part.length,
      predicted: part.length ? part.reduce((s, r) => s + r.p, 0) / part.length : null,
      actual: part.length ? part.reduce((s, r) => s + r.y, 0) / part.length : null,
    }
  })
}
