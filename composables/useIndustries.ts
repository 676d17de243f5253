import type { Ref } from 'vue'

/** The industries the tenant's accounts name, for pickers; `open` delays the request until a form opens. */
export async function useIndustries(open?: Ref<boolean>) {
  const { data } = await useFetch<{ data: string[] }>('/api/v1/industries', {
    key: open ? 'industries-form' : 'industries',
    ...(open ? { immediate: open.value, watch: [open] } : {}),
  })
  return { industries: computed(() => data.value?.data ?? []) }
}
