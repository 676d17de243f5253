// Written by `npm run fit:momentum` (scripts/momentum-eval/run.ts --fit): do not edit by hand.
// Fitted jointly (L2-regularized logistic regression, the stage's log-odds as the offset) on
// 1200 open deals of generated training tenants (seeds 1, 2); the state thresholds are
// quantiles of those deals' weekly change and level against their stage.
export const SHIPPED = {
  fittedOn: 'training seeds 1, 2, 1200 deals',
  weights: {
    intercept: -1.304,
    stage: -0.385,
    buyer_engaging: 1.379,
    buyer_reading: 0,
    engagement_trend: -0.241,
    recent_two_way: 0.102,
    no_reply: 0,
    never_engaged: -0.418,
    multi_threaded: 0.067,
    single_threaded: -0.154,
    new_stakeholder: 0,
    champion_lost: -0.623,
    replies_slowing: -0.218,
    replies_quicker: 0.393,
    stage_slow: -0.822,
    close_pushed: -0.499,
    amount_cut: -1.361,
    close_date_passed: -0.319,
    close_soon_engaged: 0,
    unanswered_outreach: 0,
  },
  state: { atRiskChange: -0.8, atRiskBelowStage: -1.45, stallingChange: -0.42, stallingBelowStage: -0.37, acceleratingChange: 0.77, acceleratingAboveStage: 0.07 },
} as const
