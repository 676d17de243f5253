import type { MomentumState } from '../shared/utils/momentumStates'

/** The four momentum states (shared/utils/momentumStates.ts), as the app names them. */
export type MomentumStateName = MomentumState

/**
 * Label, colour and icon of each state; `badge` is the subtle UBadge look of that colour as plain
 * classes (StateBadge renders ~80 of them on the dashboard, on the server too).
 */
export const MOMENTUM_LOOK: Record<
  MomentumStateName,
  { label: string, color: 'success' | 'neutral' | 'warning' | 'error', icon: string, badge: string }
> = {
  accelerating: {
    label: 'Accelerating',
    color: 'success',
    icon: 'i-lucide-rocket',
    badge: 'bg-success/10 text-success ring ring-inset ring-success/25',
  },
  steady: {
    label: 'Steady',
    color: 'neutral',
    icon: 'i-lucide-circle-dot',
    badge: 'bg-elevated text-default ring ring-inset ring-accented',
  },
  stalling: {
    label: 'Stalling',
    color: 'warning',
    icon: 'i-lucide-hourglass',
    badge: 'bg-warning/10 text-warning ring ring-inset ring-warning/25',
  },
  at_risk: {
    label: 'At risk',
    color: 'error',
    icon: 'i-lucide-triangle-alert',
    badge: 'bg-error/10 text-error ring ring-inset ring-error/25',
  },
}
