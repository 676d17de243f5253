/** What `GET /api/v1/integrations/salesforce` answers: the connection without its secrets. */
export interface SalesforceConnectionView {
  instanceUrl: string
  loginUrl: string
  authFlow: 'client_credentials' | 'refresh_token'
  clientId: string
  hasClientSecret: boolean
  hasRefreshToken: boolean
  intervalMinutes: number
  stageMap: Record<string, string>
  status: 'active' | 'needs_reauth'
  needsReauth: boolean
}

/** What `GET /api/v1/integrations/salesforce/status` answers. */
export interface SalesforceStatusView {
  status: 'active' | 'needs_reauth'
  needsReauth: boolean
  running: boolean
  lastRun: {
    startedAt: string
    finishedAt: string
    durationMs: number
    status: 'done' | 'failed' | 'paused' | 'needs_reauth'
    error: string | null
  } | null
  lastSuccessAt: string | null
  nextRunAt: string | null
  lagSeconds: number | null
  lastError: string | null
  lastErrorAt: string | null
  apiUsage: { used: number, limit: number, percent: number | null } | null
  objects: { object: string, watermark: string | null, recordsIn: number, recordsOut: number, totalIn: number, totalOut: number }[]
}
