import type { FormError } from '@nuxt/ui'

interface ApiError {
  statusCode?: number
  statusMessage?: string
  data?: { statusMessage?: string, data?: { issues?: { path: string, message: string }[] } }
}

/** The field errors of a 400 `validation` answer, for `UForm.setErrors`. */
export function fieldErrors(error: unknown): FormError[] {
  return ((error as ApiError).data?.data?.issues ?? []).map(issue => ({ name: issue.path, message: issue.message }))
}

/** A one-line message for an API error, for a toast or an alert. */
export function errorMessage(error: unknown, fallback = 'Something went wrong. Try again.') {
  const e = error as ApiError
  if (e.statusCode === 429) return 'Too many attempts. Try again in a few minutes.'
  return e.data?.statusMessage && e.data.statusMessage !== 'validation' ? capitalize(e.data.statusMessage) : fallback
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1) + (s.endsWith('.') ? '' : '.')
