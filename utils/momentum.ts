/** The four momentum states, as the app shows them. */
export type MomentumStateName = 'accelerating' | 'steady' | 'stalling' | 'at_risk'

export const MOMENTUM_LOOK: Record<MomentumStateName, { label: string, color: 'success' | 'neutral' | 'warning' | 'error', icon: string }> = {
  accelerating: { label: 'Accelerating', color: 'success', icon: 'i-lucide-rocket' },
  steady: { label: 'Steady', color: 'neutral', icon: 'i-lucide-circle-dot' },
  stalling: { label: 'Stalling', color: 'warning', icon: 'i-lucide-hourglass' },
  at_risk: { label: 'At risk', color: 'error', icon: 'i-lucide-triangle-alert' },
}
