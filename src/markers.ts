/**
 * Cell markers: a cell with findings gets the class `readiness-cell-flag`,
 * `data-readiness-severity` (its worst severity) and a badge whose tooltip
 * lists the findings. A cell the last rehearsal ran (while its record applies)
 * shows its time and peak memory in a `readiness-cell-timing` label. Markers
 * follow every new report and vanish with it.
 */
import type { Cell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';

import { cellOf, worst } from './cells';
import { severityIcons } from './icons';
import { timingText } from './timing';
import type { IReadiness } from './tokens';
import type { CellBaseline, Finding } from './types';

const FLAG = 'readiness-cell-flag';
const SEVERITY = 'data-readiness-severity';
const BADGE = 'readiness-cell-badge';
const TIMING = 'readiness-cell-timing';

export function updateMarkers(
  readiness: IReadiness,
  panel: NotebookPanel,
  trans: TranslationBundle
): void {
  const reply = readiness.stateOf(panel)?.reply;
  const byCell = new Map<Cell, Finding[]>();
  for (const finding of reply?.findings ?? []) {
    const cell = cellOf(panel, finding);
    if (cell) {
      byCell.set(cell, [...(byCell.get(cell) ?? []), finding]);
    }
  }
  const timings = new Map<Cell, CellBaseline>();
  const rehearsal = reply?.rehearsal;
  for (const baseline of rehearsal?.applies ? rehearsal.cells : []) {
    const cell = cellOf(panel, baseline);
    if (cell) {
      timings.set(cell, baseline);
    }
  }
  for (const cell of panel.content.widgets) {
    const findings = byCell.get(cell);
    if (findings) {
      mark(cell, findings);
    } else {
      unmark(cell);
    }
    showTiming(cell, timings.get(cell) ?? null, trans);
  }
}

/**
 * The label with the cell's time and peak memory in the last rehearsal
 * (`data-seconds`, `data-peak-memory`: run 1's); removed when there is none.
 */
function showTiming(
  cell: Cell,
  baseline: CellBaseline | null,
  trans: TranslationBundle
): void {
  let label = cell.node.querySelector<HTMLElement>(`:scope > .${TIMING}`);
  const first = baseline?.runs[0];
  if (!baseline || !first) {
    label?.remove();
    return;
  }
  if (!label) {
    label = document.createElement('div');
    label.className = TIMING;
    cell.node.appendChild(label);
  }
  // "ok" goes without saying on the label, not in the tooltip listing each run.
  const runs = baseline.runs.map((run, i) =>
    trans.__('run %1: %2', i + 1, timingText(run, trans) || run.status)
  );
  const text = timingText(first, trans) || first.status;
  if (label.textContent !== text) {
    label.textContent = text;
  }
  label.dataset.status = first.status;
  label.dataset.seconds = first.seconds === null ? '' : String(first.seconds);
  label.dataset.peakMemory =
    first.peak_memory === null ? '' : String(first.peak_memory);
  label.title = trans.__('Last rehearsal — %1', runs.join('; '));
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
