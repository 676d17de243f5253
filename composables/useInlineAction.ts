/**
 * A small inline form's send (no UForm): `pending` while it runs, and the server's first field
 * error or a one-line message in `error`. `run` answers whether the send went through.
 */
export function useInlineAction(failure: string) {
  const pending = ref(false)
  const error = ref<string | null>(null)
  async function run(send: () => Promise<unknown>): Promise<boolean> {
    error.value = null
    pending.value = true
    try {
      await send()
      return true
    }
    catch (e) {
      error.value = fieldErrors(e)[0]?.message ?? errorMessage(e, failure)
      return false
    }
    finally {
      pending.value = false
    }
  }
  return { pending, error, run }
}
