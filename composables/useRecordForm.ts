import type { FormError } from '@nuxt/ui'
import type { Ref } from 'vue'

/** What the composable needs of a `UForm`. */
interface FormHandle {
  clear(): void
  setErrors(errors: FormError[]): void
}

/**
 * Submitting a record form to the API: on a 400 the fields the server refused show their
 * messages inline (and nothing was written); success and failure are toasts.
 */
export function useRecordForm<T>(form: Readonly<Ref<FormHandle | null | undefined>>, messages: { success: string, failure: string }) {
  const pending = ref(false)
  const toast = useToast()
  async function submit(action: () => Promise<T>): Promise<T | undefined> {
    pending.value = true
    form.value?.clear()
    try {
      const result = await action()
      toast.add({ title: messages.success, color: 'success' })
      return result
    }
    catch (e) {
      form.value?.setErrors(fieldErrors(e))
      toast.add({ title: errorMessage(e, messages.failure), color: 'error' })
      return undefined
    }
    finally {
      pending.value = false
    }
  }
  return { pending, submit }
}
