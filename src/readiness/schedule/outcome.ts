/** What the daily job did for one project (counted in /metrics as oa_daily_posts_total). */
export type JobOutcome = 'posted' | 'final' | 'already-posted' | 'busy' | 'not-working-day' | 'before-time' | 'finished' | 'failed';
