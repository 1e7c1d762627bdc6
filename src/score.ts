/**
 * The colour band of a score, shared by the sidebar and the toolbar item.
 */
export function scoreLevel(score: number): 'good' | 'warn' | 'bad' {
  return score >= 80 ? 'good' : score >= 50 ? 'warn' : 'bad';
}
