// Written by `npm run fit:momentum` (scripts/momentum-eval/run.ts --fit): do not edit by hand.
// Fitted jointly (L2-regularized logistic regression, the stage's log-odds as the offset) on
// 3600 open deals of generated training tenants (seeds 1, 2, 3); the state thresholds are
// quantiles of those deals' weekly change and level against their stage.
export const SHIPPED = {
  fittedOn: 'training seeds 1, 2, 3, 3600 deals',
  weights: {
    intercept: -1.218,
    stage: -0.35,
    buyer_engaging: 1.38,
    buyer_reading: 0,
    engagement_trend: 0,
    recent_two_way: 0,
    no_reply: 0,
    never_engaged: -0.054,
    multi_threaded: 0.079,
    single_threaded: -0.158,
    new_stakeholder: 0,
    champion_lost: -1.063,
    replies_slowing: -0.196,
    replies_quicker: 0.486,
    stage_slow: -1.136,
    close_pushed: -0.333,
    amount_cut: -1.085,
    close_date_passed: 0,
    close_soon_engaged: 0.118,
    unanswered_outreach: 0,
  },
  state: { atRiskChange: -0.96, atRiskBelowStage: -0.62, stallingChange: -0.47, stallingBelowStage: 0.34, acceleratingChange: 0.84, acceleratingAboveStage: 0.96 },
} as const
