/**
 * Go from a finding to its code: reveal the notebook, scroll to the cell,
 * make it the active cell and put the cursor on the finding's line.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { NotebookPanel } from '@jupyterlab/notebook';

import { cellOf, type CellRef } from './cells';

/**
 * A finding, or any cell with the line to put the cursor on (null: the first).
 */
export type JumpTarget = CellRef & { line: number | null };

export async function jumpToFinding(
  app: JupyterFrontEnd,
  panel: NotebookPanel,
  finding: JumpTarget
): Promise<void> {
  const cell = cellOf(panel, finding);
  if (!cell) {
    return;
  }
  const notebook = panel.content;
  app.shell.activateById(panel.id);
  notebook.activeCellIndex = notebook.widgets.indexOf(cell);
  await notebook.scrollToCell(cell, 'center');
  // A rendered markdown cell has no visible editor: selecting it is enough.
  if (cell.model.type !== 'code') {
    return;
  }
  await cell.ready;
  const editor = cell.editor;
  if (!editor) {
    return;
  }
  notebook.mode = 'edit';
  const line = Math.max(
    0,
    Math.min((finding.line ?? 1) - 1, editor.lineCount - 1)
  );
  editor.setCursorPosition({ line, column: 0 });
  editor.focus();
}
