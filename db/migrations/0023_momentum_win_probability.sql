ALTER TABLE "deal_score_history" ADD COLUMN "win_probability" real;--> statement-breakpoint
ALTER TABLE "deal_score_history" ADD COLUMN "features" jsonb;--> statement-breakpoint
ALTER TABLE "deal_scores" ADD COLUMN "win_probability" real;