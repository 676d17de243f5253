// Written by `npm run fit:momentum` (scripts/momentum-eval/run.ts --fit): do not edit by hand.
// Fitted jointly (L2-regularized logistic regression, the stage's log-odds as the offset) on
// 3600 open deals of generated training tenants (seeds 1, 2, 3); the state thresholds are
// quantiles of those deals' weekly change and level against their stage.
export const SHIPPED = {
  fittedOn: 'training seeds 1, 2, 3, 3600 deals',
  weights: {
    intercept: -0.659,
    stage: -0.337,
    buyer_engaging: 0.34,
    buyer_answers: 0.489,
    reply_speed: 0.608,
    buyer_month: 0.592,
    buyer_reading: 0,
    engagement_trend: 0.155,
    recent_two_way: 0.176,
    no_reply: 0,
    never_engaged: -0.241,
    multi_threaded: 0.023,
    single_threaded: 0,
    new_stakeholder: 0.018,
    champion_lost: -0.776,
    replies_slowing: 0,
    replies_quicker: 0,
    stage_slow: -0.94,
    close_pushed: -0.453,
    amount_cut: -1.194,
    close_date_passed: 0,
    close_soon_engaged: 0.209,
    stage_moved: 0.427,
    unanswered_outreach: 0,
  },
  state: { atRiskChange: -0.79, atRiskBelowStage: -1.4, stallingChange: -0.41, stallingBelowStage: -0.3, acceleratingChange: 0.48, acceleratingAboveStage: 0.25 },
} as const
