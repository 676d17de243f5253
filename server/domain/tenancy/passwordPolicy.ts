import list from './common-passwords.json'

export const PASSWORD_MIN_LENGTH = 10
export const PASSWORD_MAX_LENGTH = 200

let common: Set<string> | undefined

/** The common passwords (common-passwords.json: zxcvbn's list, MIT), as a set, built once on first use. */
export function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(list.passwords)
  return common
}

/**
 * Why a password may not be chosen, or null when it may: too short or too long, only
 * whitespace, one character (or a short run such as `abab…`) repeated, or a common password —
 * also with digits or symbols added at the end (`password12`, `dragon2026!`). Pure.
 */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `at least ${PASSWORD_MIN_LENGTH} characters`
  if (password.length > PASSWORD_MAX_LENGTH) return `at most ${PASSWORD_MAX_LENGTH} characters`
  if (password.trim() === '') return 'not only spaces'
  if (/^(.{1,3})\1+$/su.test(password)) return 'not one character or a short pattern repeated'
  const lower = password.toLowerCase()
  const base = lower.replace(/[\d\W_]+$/u, '')
  if (commonPasswords().has(lower) || (base.length >= 3 && commonPasswords().has(base)))
    return 'too common: choose a less guessable password'
  return null
}
