/** The tasks of reminders, digests, automation and webhooks (registered in momentum/tasks.ts with the others). */
export const WORK_TASK_NAMES = ['tasks:reminders', 'automation:run', 'digest:send', 'webhooks:deliver'] as const
export type WorkTaskName = (typeof WORK_TASK_NAMES)[number]
