/**
 * Where a finding lives in the notebook widget.
 */
import type { Cell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';

import type { Finding, Severity } from './types';

/**
 * The cell a finding points at, or null for a notebook-level finding. The
 * cell id wins over the index: cells inserted since the check shift indices.
 */
export function cellOf(panel: NotebookPanel, finding: Finding): Cell | null {
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
