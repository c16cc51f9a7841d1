/** How an item the schema refused is reported (drop diagnostics, converter results). */
import type { ValidationIssue } from '@driftwatch/schema';

/** The first issue, naming the field and what was expected. */
export function issueText(issues: readonly ValidationIssue[]): string {
  const issue = issues[0];
  return issue ? `${issue.path}: ${issue.message}` : 'does not match the schema';
}
