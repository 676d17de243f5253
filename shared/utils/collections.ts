/** The distinct values that are there (null and undefined left out), in first-seen order. Pure. */
export const distinct = <T>(values: readonly (T | null | undefined)[]): T[] => [...new Set(values.filter((v): v is T => v != null))]

/** Whether two values are the same as JSON, a missing value (undefined) being the same as null. Pure. */
export const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)
