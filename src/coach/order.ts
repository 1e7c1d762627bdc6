/**
 * The sidebar's order: most important first. Findings are grouped by
 * severity (errors are what to fix first), in notebook order within a group;
 * a finding that follows from another (its `cause`) is folded under it, so one
 * unparsable cell is one row with its consequences below it.
 */
import type { ChecklistItem, Finding, Severity } from '../types';

export const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

export interface IRow {
  finding: Finding;
  /**
   * The findings that follow from this one.
   */
  folded: Finding[];
}

export interface IGroup {
  severity: Severity;
  rows: IRow[];
}

export interface IFilter {
  /**
   * Severities shown; all when empty.
   */
  severities: Severity[];
  /**
   * The checklist item whose checks are shown, or null for all.
   */
  item: string | null;
  /**
   * Case-insensitive text in the message, suggestion, check id or file.
   */
  text: string;
}

export const NO_FILTER: IFilter = { severities: [], item: null, text: '' };

/**
 * Identifies a finding across checks, so a re-check can say what is new.
 */
export function findingKey(finding: Finding): string {
  return [
    finding.check,
    finding.cell_id ?? finding.cell_index ?? '',
    finding.line ?? '',
    finding.file ?? '',
    finding.file_line ?? '',
    finding.message
  ].join('\u0000');
}

function byPlace(a: Finding, b: Finding): number {
  // Notebook-level findings first: they are about everything below.
  const cell = (f: Finding) => f.cell_index ?? -1;
  return cell(a) - cell(b) || (a.line ?? 0) - (b.line ?? 0);
}

export function matches(
  finding: Finding,
  filter: IFilter,
  checklist: ChecklistItem[]
): boolean {
  if (
    filter.severities.length > 0 &&
    !filter.severities.includes(finding.severity)
  ) {
    return false;
  }
  if (filter.item !== null) {
    const item = checklist.find(i => i.id === filter.item);
    if (!item?.checks.includes(finding.check)) {
      return false;
    }
  }
  const text = filter.text.trim().toLowerCase();
  if (text) {
    const haystack = [
      finding.message,
      finding.suggestion,
      finding.check,
      finding.file ?? ''
    ]
      .join(' ')
      .toLowerCase();
    if (!haystack.includes(text)) {
      return false;
    }
  }
  return true;
}

export function groupFindings(
  findings: Finding[],
  filter: IFilter,
  checklist: ChecklistItem[]
): IGroup[] {
  const causeOf = (f: Finding) =>
    f.cause
      ? findings.find(
          c =>
            c !== f &&
            c.check === f.cause!.check &&
            c.cell_index === f.cause!.cell_index
        )
      : undefined;
  const folded = new Map<Finding, Finding[]>();
  const top: Finding[] = [];
  for (const finding of findings) {
    const cause = causeOf(finding);
    if (cause) {
      folded.set(cause, [...(folded.get(cause) ?? []), finding]);
    } else {
      top.push(finding);
    }
  }
  return SEVERITIES.map(severity => ({
    severity,
    rows: top
      .filter(f => f.severity === severity)
      .filter(
        f =>
          matches(f, filter, checklist) ||
          (folded.get(f) ?? []).some(g => matches(g, filter, checklist))
      )
      .sort(byPlace)
      .map(f => ({ finding: f, folded: (folded.get(f) ?? []).sort(byPlace) }))
  })).filter(group => group.rows.length > 0);
}

/**
 * The findings in the order a reader meets them in the notebook, for
 * next/previous navigation (notebook-level findings have no place and are
 * left out).
 */
export function inNotebookOrder(findings: Finding[]): Finding[] {
  return findings.filter(f => f.cell_index !== null).sort(byPlace);
}
