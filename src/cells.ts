/**
 * Where a finding lives in the notebook widget.
 */
import type { Cell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';

import type { Finding, Severity } from './types';

/**
 * Where something is in the notebook: a finding, a rehearsed cell.
 */
export type CellRef = Pick<Finding, 'cell_index' | 'cell_id'>;

/**
 * The cell a finding (or a rehearsed cell) points at, or null for a
 * notebook-level finding. The cell id wins over the index: cells inserted
 * since the check shift indices.
 */
export function cellOf(panel: NotebookPanel, finding: CellRef): Cell | null {
  const cells = panel.content.widgets;
  if (finding.cell_id) {
    const byId = cells.find(cell => cell.model.id === finding.cell_id);
    if (byId) {
      return byId;
    }
  }
  if (finding.cell_index === null) {
    return null;
  }
  return cells[finding.cell_index] ?? null;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function worst(severities: Severity[]): Severity {
  return severities.reduce((a, b) => (RANK[b] > RANK[a] ? b : a), 'info');
}
