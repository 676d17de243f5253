import type { MaybeRefOrGetter, Ref } from 'vue'

/**
 * The tenant's custom fields of one record type. `open` (a form's open state) delays the request
 * until the form is first opened; without it the fields load with the page.
 */
export async function useCustomFields(entity: MaybeRefOrGetter<CustomEntity>, open?: Ref<boolean>) {
  const { data } = await useFetch<{ data: Record<CustomEntity, CustomField[]> }>('/api/v1/custom-fields', {
    key: open ? `custom-fields-form-${toValue(entity)}` : 'custom-fields',
    ...(open ? { immediate: open.value, watch: [open] } : {}),
  })
  return { fields: computed(() => data.value?.data[toValue(entity)] ?? []) }
}
