import type { MaybeRefOrGetter, Ref } from 'vue'

type Query = Record<string, string | number | undefined>

/**
 * A keyset-paged list: the first page server-rendered with `useFetch` (and fetched again when the
 * query changes), later pages appended with "load more".
 */
export async function usePagedList<T>(key: string, url: string, query: MaybeRefOrGetter<Query>) {
  const params = computed(() => Object.fromEntries(Object.entries(toValue(query)).filter(([, v]) => v !== undefined && v !== '')))
  const { data, status, refresh } = await useFetch<{ data: T[], nextCursor: string | null }>(url, { key, query: params })
  const more = ref([]) as Ref<T[]>
  const cursor = ref<string | null>(null)
  const loadingMore = ref(false)
  watch(data, (page) => {
    more.value = []
    cursor.value = page?.nextCursor ?? null
  }, { immediate: true })

  async function loadMore() {
    if (!cursor.value || loadingMore.value) return
    loadingMore.value = true
    try {
      const page = await $fetch<{ data: T[], nextCursor: string | null }>(url, { query: { ...params.value, cursor: cursor.value } })
      more.value = [...more.value, ...page.data]
      cursor.value = page.nextCursor
    }
    finally {
      loadingMore.value = false
    }
  }

  return {
    rows: computed(() => [...(data.value?.data ?? []), ...more.value]),
    loading: computed(() => status.value === 'pending'),
    hasMore: computed(() => Boolean(cursor.value)),
    loadingMore,
    loadMore,
    refresh,
  }
}

/** A copy of `source` that follows it `ms` after it stops changing (search boxes). */
export function useDebounced<T>(source: Ref<T>, ms = 250): Ref<T> {
  const value = ref(source.value) as Ref<T>
  let timer: ReturnType<typeof setTimeout> | undefined
  watch(source, (next) => {
    clearTimeout(timer)
    timer = setTimeout(() => (value.value = next), ms)
  })
  return value
}
