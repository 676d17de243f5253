/** A saved view as `GET /api/v1/views` answers it. */
export interface SavedView {
  id: string
  name: string
  recordType: 'deals' | 'accounts' | 'contacts' | 'leads'
  filters: Record<string, unknown>
  sort: { field: string, direction: 'asc' | 'desc' } | null
  columns: string[]
  shared: boolean
  mine: boolean
  ownerName: string | null
}
