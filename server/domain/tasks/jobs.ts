import { config } from '../core/config'
import { withTenant } from '../core/db'
import { mailerOf } from '../email/mailer'
import { perTenant, type Job } from '../jobs/runner'
import { emailReminders, flagNoNextStep, remindDueTasks } from './reminders'

/** tasks:reminders — reminds assignees of due tasks (in the app and by email) and flags open deals with no next step. */
export const taskReminders: Job = (db, options) => {
  const now = options.now ?? new Date()
  const mailer = mailerOf(options)
  return perTenant(db, 'tasks:reminders', options, async (tenantId) => {
    const { reminders, flagged } = await withTenant(db, tenantId, async tx => ({
      reminders: await remindDueTasks(tx, tenantId, now),
      flagged: await flagNoNextStep(tx, tenantId, now),
    }))
    const email = await withTenant(db, tenantId, tx => emailReminders(tx, tenantId, reminders, mailer, config.appUrl()))
    return { touched: reminders.length, details: { reminders: reminders.length, ...email, noNextStep: flagged } }
  })
}
