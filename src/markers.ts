/**
 * Cell markers: a cell with findings gets the class `readiness-cell-flag`,
 * `data-readiness-severity` (its worst severity) and a badge whose tooltip
 * lists the findings. Markers follow every new report and vanish with it.
 */
import type { Cell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';

import { cellOf, worst } from './cells';
import { severityIcons } from './icons';
import type { IReadiness } from './tokens';
import type { Finding } from './types';

const FLAG = 'readiness-cell-flag';
const SEVERITY = 'data-readiness-severity';
const BADGE = 'readiness-cell-badge';

export function updateMarkers(
  readiness: IReadiness,
  panel: NotebookPanel
): void {
  const reply = readiness.stateOf(panel)?.reply;
  const byCell = new Map<Cell, Finding[]>();
  for (const finding of reply?.findings ?? []) {
    const cell = cellOf(panel, finding);
    if (cell) {
      byCell.set(cell, [...(byCell.get(cell) ?? []), finding]);
    }
  }
  for (const cell of panel.content.widgets) {
    const findings = byCell.get(cell);
    if (findings) {
      mark(cell, findings);
    } else {
      unmark(cell);
    }
  }
}

function mark(cell: Cell, findings: Finding[]): void {
  const severity = worst(findings.map(f => f.severity));
  cell.addClass(FLAG);
  cell.node.setAttribute(SEVERITY, severity);
  // Not inside the prompt: the prompt rewrites its text on every execution.
  let badge = cell.node.querySelector<HTMLElement>(`:scope > .${BADGE}`);
  if (!badge) {
    badge = document.createElement('div');
    badge.className = BADGE;
    cell.node.appendChild(badge);
  }
  if (badge.dataset.severity !== severity) {
    badge.dataset.severity = severity;
    badge.replaceChildren();
    severityIcons[severity].element({ container: badge });
  }
  badge.title = findings
    .map(f => (f.line === null ? f.message : `${f.line}: ${f.message}`))
    .join('\n');
}

function unmark(cell: Cell): void {
  cell.removeClass(FLAG);
  cell.node.removeAttribute(SEVERITY);
  cell.node.querySelector(`:scope > .${BADGE}`)?.remove();
}
