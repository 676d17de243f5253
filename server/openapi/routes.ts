import type { z } from 'zod'
import { AccountCreateSchema, AccountPatchSchema } from '../domain/records/accounts'
import { ContactCreateSchema, ContactPatchSchema } from '../domain/records/contacts'
import { CustomFieldsBodySchema } from '../domain/records/customFields'
import { LeadConvertSchema, LeadCreateSchema, LeadPatchSchema } from '../domain/records/leads'
import { DealCreateSchema, DealPatchSchema, PipelineSchema, StageMoveSchema } from '../domain/deals/schemas'
import { ActivitySchema } from '../domain/events/activities'
import { EventInputSchema } from '../domain/events/schema'
import { TimelineQuerySchema } from '../utils/schemas'
import { QuerySchema as AccountListQuery } from '../api/v1/accounts/index.get'
import { BodySchema as ApiKeyBody } from '../api/v1/api-keys/index.post'
import { QuerySchema as AuditQuery } from '../api/v1/audit/index.get'
import { BodySchema as CheckoutBody } from '../api/v1/billing/checkout.post'
import { QuerySchema as ContactListQuery } from '../api/v1/contacts/index.get'
import { QuerySchema as DealListQuery } from '../api/v1/deals/index.get'
import { BodySchema as ImportBody } from '../api/v1/imports/index.post'
import { QuerySchema as AlertsQuery } from '../api/v1/alerts/index.get'
import { QuerySchema as FocusQuery } from '../api/v1/focus.get'
import { QuerySchema as SummaryQuery } from '../api/v1/pipeline/summary.get'
import { QuerySchema as TaskQuery } from '../api/v1/admin/tasks/[name].post'
import { QuerySchema as ForecastQuery } from '../api/v1/forecast/index.get'
import { QuerySchema as HistoryQuery } from '../api/v1/forecast/history.get'
import { BodySchema as AdjustmentBody } from '../api/v1/forecast/adjustments.post'
import { BodySchema as QuotasBody } from '../api/v1/forecast/quotas.put'
import { QuerySchema as AnalyticsQuery } from '../api/v1/analytics/[kind].get'
import { BodySchema as EmailConnectionBody } from '../api/v1/integrations/email/index.post'
import { BodySchema as SalesforceConnectionBody } from '../api/v1/integrations/salesforce/index.put'
import { BodySchema as EmailSettingsBody } from '../api/v1/integrations/email/settings.put'
import { QuerySchema as DashboardQuery } from '../api/v1/dashboard.get'
import { QuerySchema as UserEventsQuery } from '../api/v1/events/index.get'
import { QuerySchema as LeadListQuery } from '../api/v1/leads/index.get'
import { QuerySchema as SearchQuery } from '../api/v1/search.get'
import { BodySchema as TeamBody } from '../api/v1/teams/index.post'
import { BodySchema as UserPatchBody } from '../api/v1/users/[id].patch'
import { BodySchema as InviteBody } from '../api/v1/users/index.post'
import { QuerySchema as NotificationsQuery } from '../api/v1/notifications/index.get'
import { BodySchema as NotificationsReadBody } from '../api/v1/notifications/read.post'
import { BodySchema as PreferencesBody } from '../api/v1/notifications/preferences.put'
import { TaskCreateSchema, TaskListQuerySchema, TaskPatchSchema } from '../domain/work/tasks'
import { RulePatchSchema, RuleSchema } from '../domain/automation/schemas'
import { EnrolSchema, SequenceCreateSchema } from '../domain/sequences/templates'
import { WebhookCreateSchema } from '../domain/webhooks/subscriptions'

export interface ApiRoute {
  summary: string
  tag: string
  body?: z.ZodType
  query?: z.ZodType
  /** `multipart/form-data` for file uploads; JSON otherwise. */
  bodyType?: 'multipart/form-data'
  /** 201 for creates, 202 for work started, 204 for deletes; 200 otherwise. */
  status?: 200 | 201 | 202 | 204
}

/**
 * Every /api/v1 route with the zod schemas its handler validates with (imported from the same
 * modules, so the document cannot drift from the code). `GET /api/openapi.json` is generated
 * from this; a test fails when a route file is missing here.
 */
export const API_ROUTES: Record<string, ApiRoute> = {
  'GET /api/v1/accounts': { tag: 'Accounts', summary: 'List accounts (q searches name and domain)', query: AccountListQuery },
  'POST /api/v1/accounts': { tag: 'Accounts', summary: 'Create an account', body: AccountCreateSchema, status: 201 },
  'GET /api/v1/accounts/[id]': { tag: 'Accounts', summary: 'An account with its contacts, open deals and recent events' },
  'PATCH /api/v1/accounts/[id]': { tag: 'Accounts', summary: 'Update an account', body: AccountPatchSchema },
  'DELETE /api/v1/accounts/[id]': { tag: 'Accounts', summary: 'Delete an account (its deals and contacts stay)', status: 204 },
  'GET /api/v1/accounts/[id]/timeline': { tag: 'Accounts', summary: 'An account\'s events, newest first (`types=note,call` keeps those)', query: TimelineQuerySchema },
  'GET /api/v1/contacts': { tag: 'Contacts', summary: 'List contacts (q searches names and email)', query: ContactListQuery },
  'POST /api/v1/contacts': { tag: 'Contacts', summary: 'Create a contact', body: ContactCreateSchema, status: 201 },
  'GET /api/v1/contacts/[id]': { tag: 'Contacts', summary: 'A contact with their account, deals and recent events' },
  'PATCH /api/v1/contacts/[id]': { tag: 'Contacts', summary: 'Update a contact', body: ContactPatchSchema },
  'DELETE /api/v1/contacts/[id]': { tag: 'Contacts', summary: 'Delete a contact', status: 204 },
  'GET /api/v1/contacts/[id]/export': { tag: 'Contacts', summary: 'Everything held on the person, as JSON (data portability; audited)' },
  'POST /api/v1/contacts/[id]/erase': { tag: 'Contacts', summary: 'Erase the person\'s personal data, keeping history (admin; audited)' },
  'GET /api/v1/contacts/[id]/timeline': { tag: 'Contacts', summary: 'A contact\'s events, newest first (`types=note,call` keeps those)', query: TimelineQuerySchema },
  'GET /api/v1/leads': { tag: 'Leads', summary: 'List leads, best score first', query: LeadListQuery },
  'POST /api/v1/leads': { tag: 'Leads', summary: 'Capture and score a lead', body: LeadCreateSchema, status: 201 },
  'GET /api/v1/leads/[id]': { tag: 'Leads', summary: 'A lead with its score and reasons' },
  'PATCH /api/v1/leads/[id]': { tag: 'Leads', summary: 'Edit or disqualify a lead; it is scored again', body: LeadPatchSchema },
  'POST /api/v1/leads/[id]/convert': { tag: 'Leads', summary: 'Convert a lead into account, contact and deal', body: LeadConvertSchema },
  'GET /api/v1/deals': { tag: 'Deals', summary: 'List deals (filters, sorts, cursor)', query: DealListQuery },
  'POST /api/v1/deals': { tag: 'Deals', summary: 'Create a deal', body: DealCreateSchema, status: 201 },
  'GET /api/v1/deals/[id]': { tag: 'Deals', summary: 'The deal\'s 360 view: account, contacts and their engagement, score with reasons and trend, next tasks' },
  'PATCH /api/v1/deals/[id]': { tag: 'Deals', summary: 'Update any field but the stage', body: DealPatchSchema },
  'POST /api/v1/deals/[id]/stage': { tag: 'Deals', summary: 'Move a deal to another stage (409 if not allowed)', body: StageMoveSchema },
  'GET /api/v1/deals/[id]/timeline': { tag: 'Deals', summary: 'A deal\'s events, newest first (`types=note,call` keeps those)', query: TimelineQuerySchema },
  'GET /api/v1/deals/[id]/momentum': { tag: 'Momentum', summary: 'A deal\'s win probability (0..1), score (the same in points of 100), state (where it is heading), reasons (each with the points it moves the chance by), signals, daily trend and open alerts' },
  'GET /api/v1/pipeline/summary': { tag: 'Momentum', summary: 'Pipeline per stage (count, value, weighted, momentum mix) for the caller, an owner or a team', query: SummaryQuery },
  'GET /api/v1/focus': { tag: 'Momentum', summary: 'The ranked focus list: why now and the next action', query: FocusQuery },
  'GET /api/v1/alerts': { tag: 'Momentum', summary: 'Alerts on the deals the caller sees', query: AlertsQuery },
  'POST /api/v1/alerts/[id]/dismiss': { tag: 'Momentum', summary: 'Dismiss an alert' },
  'GET /api/v1/momentum/calibration': { tag: 'Momentum', summary: 'On the closed deals: predicted against actual win rate per decile, Brier score against the stage probability alone, the signals that matter most, in words; the weights in use (admins, managers)' },
  'GET /api/v1/forecast': { tag: 'Forecast', summary: 'A month\'s or quarter\'s forecast per rep, team and tenant (format=csv downloads it)', query: ForecastQuery },
  'GET /api/v1/forecast/history': { tag: 'Forecast', summary: 'Forecast against actual per week, slipped and pulled-in deals', query: HistoryQuery },
  'POST /api/v1/forecast/adjustments': { tag: 'Forecast', summary: 'A manager\'s override of a rep\'s or team\'s forecast, with a note (audited)', body: AdjustmentBody, status: 201 },
  'PUT /api/v1/forecast/quotas': { tag: 'Forecast', summary: 'Set reps\' quotas for a period (managers, admins)', body: QuotasBody },
  'GET /api/v1/analytics/[kind]': { tag: 'Forecast', summary: 'conversion, time-in-stage, win-rate or cycle-length over a date range', query: AnalyticsQuery },
  'GET /api/v1/integrations/email': { tag: 'Integrations', summary: 'Email provider connections and their webhook URLs (admin)' },
  'POST /api/v1/integrations/email': { tag: 'Integrations', summary: 'Connect SendGrid, Mailgun or Postmark; answers the webhook and inbound URLs (admin)', body: EmailConnectionBody, status: 201 },
  'GET /api/v1/integrations/email/unmatched': { tag: 'Integrations', summary: 'Inbound emails that matched no contact, for review (admin)' },
  'GET /api/v1/integrations/salesforce': { tag: 'Integrations', summary: 'The Salesforce connection, without its secrets (admin)' },
  'PUT /api/v1/integrations/salesforce': { tag: 'Integrations', summary: 'Connect Salesforce or change the connection: OAuth client credentials or refresh token, interval, stage map (admin)', body: SalesforceConnectionBody },
  'DELETE /api/v1/integrations/salesforce': { tag: 'Integrations', summary: 'Disconnect Salesforce; synced records stay (admin)', status: 204 },
  'GET /api/v1/integrations/salesforce/status': { tag: 'Integrations', summary: 'Salesforce sync status: last and next run, per-object watermark and records, lag, last error (admin)' },
  'POST /api/v1/integrations/salesforce/sync': { tag: 'Integrations', summary: 'Sync Salesforce now and wait; answers the run summary (admin)' },
  'GET /api/v1/integrations/email/settings': { tag: 'Integrations', summary: 'How long raw inbound email payloads are kept, and how many are held (admin)' },
  'PUT /api/v1/integrations/email/settings': { tag: 'Integrations', summary: 'Set the raw inbound payload retention in days, 1-3650 (admin; audited)', body: EmailSettingsBody },
  'GET /api/v1/dashboard': { tag: 'Momentum', summary: 'The rep\'s screen in one call: board, summary, focus, alerts, activity, forecast headline', query: DashboardQuery },
  'GET /api/v1/stream': { tag: 'Momentum', summary: 'Server-Sent Events: deal.updated, deal.score, alert.created, event.created for what the caller sees' },
  'GET /api/v1/admin/tasks': { tag: 'Operations', summary: 'The latest task runs (admin)' },
  'POST /api/v1/admin/tasks/[name]': { tag: 'Operations', summary: 'Run a task now for the caller\'s tenant and wait (admin)', query: TaskQuery },
  'GET /api/v1/pipeline/stages': { tag: 'Pipeline', summary: 'The tenant\'s stages' },
  'PUT /api/v1/pipeline/stages': { tag: 'Pipeline', summary: 'Replace the tenant\'s stages (admin)', body: PipelineSchema },
  'POST /api/v1/events': { tag: 'Events', summary: 'Ingest one event or { events: [...] } (up to 5,000, all or nothing)', body: EventInputSchema },
  'GET /api/v1/events': { tag: 'Events', summary: 'A user\'s events in a time range', query: UserEventsQuery },
  'POST /api/v1/activities': { tag: 'Events', summary: 'Log a call, meeting, note or email', body: ActivitySchema, status: 201 },
  'GET /api/v1/custom-fields': { tag: 'Custom fields', summary: 'The tenant\'s custom fields per record type' },
  'PUT /api/v1/custom-fields/[entity]': { tag: 'Custom fields', summary: 'Define the custom fields of deal, account, contact or lead (admin)', body: CustomFieldsBodySchema },
  'POST /api/v1/imports': { tag: 'Import', summary: 'Start a CSV import of deals, accounts, contacts or events (admin); 202 { id }', body: ImportBody, bodyType: 'multipart/form-data', status: 202 },
  'GET /api/v1/imports': { tag: 'Import', summary: 'The latest imports with their progress (admin)' },
  'GET /api/v1/imports/[id]': { tag: 'Import', summary: 'An import\'s status, progress and first 1,000 row errors (admin)' },
  'GET /api/v1/exports/[file]': { tag: 'Export', summary: 'deals.csv, accounts.csv or contacts.csv: what the caller may see, streamed' },
  'GET /api/v1/search': { tag: 'Search', summary: 'Accounts, contacts, deals and notes in one ranked list', query: SearchQuery },
  'GET /api/v1/users': { tag: 'People', summary: 'The tenant\'s people' },
  'POST /api/v1/users': { tag: 'People', summary: 'Invite someone (admin); answers the invitation link', body: InviteBody, status: 201 },
  'PATCH /api/v1/users/[id]': { tag: 'People', summary: 'Change role, team or active (admin)', body: UserPatchBody },
  'GET /api/v1/teams': { tag: 'People', summary: 'Teams' },
  'POST /api/v1/teams': { tag: 'People', summary: 'Create a team (admin)', body: TeamBody, status: 201 },
  'GET /api/v1/api-keys': { tag: 'People', summary: 'API keys (admin)' },
  'POST /api/v1/api-keys': { tag: 'People', summary: 'Create an API key, shown once (admin)', body: ApiKeyBody, status: 201 },
  'DELETE /api/v1/api-keys/[id]': { tag: 'People', summary: 'Revoke an API key (admin)', status: 204 },
  'GET /api/v1/audit': { tag: 'People', summary: 'The audit log (admin)', query: AuditQuery },
  'GET /api/v1/billing': { tag: 'Billing', summary: 'Plan, status, capabilities, limits, usage and invoices (admin)' },
  'POST /api/v1/billing/checkout': { tag: 'Billing', summary: 'A Stripe Checkout session (admin)', body: CheckoutBody },
  'POST /api/v1/billing/portal': { tag: 'Billing', summary: 'The Stripe customer portal (admin)' },
  'GET /api/v1/tasks': { tag: 'Work', summary: 'Tasks the caller sees (mine=1, due=overdue|today|upcoming, status, dealId)', query: TaskListQuerySchema },
  'POST /api/v1/tasks': { tag: 'Work', summary: 'Create a task on a deal, contact or account', body: TaskCreateSchema, status: 201 },
  'PATCH /api/v1/tasks/[id]': { tag: 'Work', summary: 'Change a task; { done: true } completes it (writes task_completed)', body: TaskPatchSchema },
  'GET /api/v1/notifications': { tag: 'Work', summary: 'The caller\'s notifications, newest first, and the unread count', query: NotificationsQuery },
  'POST /api/v1/notifications/read': { tag: 'Work', summary: 'Mark the caller\'s notifications read ({ ids } or { ids: "all" })', body: NotificationsReadBody },
  'GET /api/v1/notifications/preferences': { tag: 'Work', summary: 'Which emails the caller gets (task reminders, daily digest)' },
  'PUT /api/v1/notifications/preferences': { tag: 'Work', summary: 'Turn the caller\'s reminder and digest emails on or off', body: PreferencesBody },
  'GET /api/v1/automation/rules': { tag: 'Automation', summary: 'The tenant\'s automation rules (admin)' },
  'POST /api/v1/automation/rules': { tag: 'Automation', summary: 'Create a rule: trigger, conditions, actions (admin)', body: RuleSchema, status: 201 },
  'PATCH /api/v1/automation/rules/[id]': { tag: 'Automation', summary: 'Change a rule (admin)', body: RulePatchSchema },
  'DELETE /api/v1/automation/rules/[id]': { tag: 'Automation', summary: 'Delete a rule and its run log (admin)', status: 204 },
  'GET /api/v1/automation/rules/[id]/runs': { tag: 'Automation', summary: 'A rule\'s run log, newest first (admin)' },
  'POST /api/v1/automation/rules/[id]/dry-run': { tag: 'Automation', summary: 'The deals a rule would touch today, doing nothing (admin)' },
  'GET /api/v1/sequences': { tag: 'Automation', summary: 'Email sequences with their enrolment counts' },
  'POST /api/v1/sequences': { tag: 'Automation', summary: 'Create a sequence of { subject, body, waitDays } steps with merge fields (admin, manager)', body: SequenceCreateSchema, status: 201 },
  'POST /api/v1/sequences/[id]/enrol': { tag: 'Automation', summary: 'Enrol contacts in a sequence, sent as the caller', body: EnrolSchema, status: 201 },
  'GET /api/v1/webhooks': { tag: 'Automation', summary: 'Outbound webhook subscriptions (admin)' },
  'POST /api/v1/webhooks': { tag: 'Automation', summary: 'Subscribe a public URL to event types; answers the signing secret once (admin)', body: WebhookCreateSchema, status: 201 },
  'DELETE /api/v1/webhooks/[id]': { tag: 'Automation', summary: 'Remove a webhook subscription (admin)', status: 204 },
  'GET /api/v1/webhooks/[id]/deliveries': { tag: 'Automation', summary: 'A subscription\'s deliveries with each attempt\'s response code (admin)' },
}
