/** The caller's tenant as GET /api/v1/tenant answers it: its name and the currency its totals are shown in. */
export interface TenantSettings { id: string, name: string, currency: string }

/** The caller's tenant, read once per page load (one key: every caller shares the answer, and a save refreshes it). */
export function useTenant() {
  return useFetch<TenantSettings>('/api/v1/tenant', { key: 'tenant-settings' })
}

/** The currency board columns and forecasts total in: the tenant's (USD until an admin chooses one). */
export function useTenantCurrency() {
  const { data } = useTenant()
  return computed(() => data.value?.currency ?? 'USD')
}
