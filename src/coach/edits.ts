/**
 * A fix's cell edits, applied to the notebook open in the editor (its shared
 * model), not to the file: the user sees the change at once, keeps editing,
 * and undoes it in the cell like any other edit. The edits are first turned
 * into a plan (each touched cell's source before and after), which the
 * preview shows and `applyPlan` applies unchanged.
 */
import type { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';

import type { Fix } from '../types';

type ISharedCell = ICellModel['sharedModel'];

export interface ICellChange {
  cell: ISharedCell;
  /**
   * The cell's index when the plan was made (0-based over all cells).
   */
  index: number;
  before: string;
  after: string;
  /**
   * The tags to set, or null to leave them.
   */
  tags: string[] | null;
  clearOutputs: boolean;
}

export interface INewCell {
  index: number;
  cellType: 'code' | 'markdown';
  source: string;
  tags: string[];
}

export interface IEditPlan {
  changes: ICellChange[];
  inserts: INewCell[];
}

/**
 * An edit whose cell is no longer in the notebook (deleted since the check).
 */
export class StaleFixError extends Error {}

/**
 * The plan of `fixes`' edits on the notebook as it is now. The core orders a
 * fix's edits so that cell edits come first and inserted cells last, from the
 * bottom up: every index is an index of the notebook the finding came from;
 * the cell id finds a cell whose index moved since.
 */
export function planEdits(panel: NotebookPanel, fixes: Fix[]): IEditPlan {
  const cells = panel.content.model!.sharedModel.cells;
  const changes = new Map<ISharedCell, ICellChange>();
  const inserts: INewCell[] = [];
  const locate = (id: string | null, index: number): ICellChange => {
    const found = id !== null ? cells.findIndex(c => c.id === id) : index;
    const cell = cells[found];
    if (found < 0 || !cell) {
      throw new StaleFixError();
    }
    let change = changes.get(cell);
    if (!change) {
      const source = cell.getSource();
      change = {
        cell,
        index: found,
        before: source,
        after: source,
        tags: null,
        clearOutputs: false
      };
      changes.set(cell, change);
    }
    return change;
  };
  for (const fix of fixes) {
    for (const edit of fix.edits) {
      switch (edit.kind) {
        case 'insert-cell':
          inserts.push({
            index: edit.index,
            cellType: edit.cell_type,
            source: edit.source,
            tags: edit.tags
          });
          break;
        case 'replace-source':
          locate(edit.cell_id, edit.cell_index).after = edit.source;
          break;
        case 'insert-text': {
          const change = locate(edit.cell_id, edit.cell_index);
          change.after = insertText(change.after, edit.line, edit.text);
          break;
        }
        case 'set-tags':
          locate(edit.cell_id, edit.cell_index).tags = edit.tags;
          break;
        case 'clear-outputs':
          locate(edit.cell_id, edit.cell_index).clearOutputs = true;
          break;
      }
    }
  }
  return { changes: [...changes.values()], inserts };
}

/**
 * `text` at the end of line `line` (1-based; 0: before the first line), as
 * the core's fixes/apply.py inserts it.
 */
export function insertText(source: string, line: number, text: string): string {
  if (line <= 0) {
    return text + source;
  }
  const lines = source.split('\n');
  lines[Math.min(line, lines.length) - 1] += text;
  return lines.join('\n');
}

/**
 * Apply a plan: each edited cell in a transaction of its own, whose origin is
 * the cell, so Ctrl+Z in that cell undoes the fix (a cell's undo manager only
 * tracks its own transactions while undo is per cell, JupyterLab's default;
 * with document-wide undo the cell hands them to the notebook's manager).
 * Inserted cells come last, in one notebook transaction (Undo Cell Operation).
 */
export function applyPlan(panel: NotebookPanel, plan: IEditPlan): void {
  const model = panel.content.model!;
  for (const change of plan.changes) {
    change.cell.transact(() => {
      replaceChanged(change.cell, change.before, change.after);
      if (change.tags !== null) {
        if (change.tags.length > 0) {
          change.cell.setMetadata('tags', change.tags);
        } else {
          change.cell.deleteMetadata('tags');
        }
      }
    });
    if (change.clearOutputs && change.cell.cell_type === 'code') {
      const cellModel = model.cells.get(
        model.sharedModel.cells.indexOf(change.cell)
      ) as ICodeCellModel;
      cellModel.outputs.clear();
    }
  }
  if (plan.inserts.length > 0) {
    model.sharedModel.transact(() => {
      for (const insert of plan.inserts) {
        model.sharedModel.insertCell(insert.index, {
          cell_type: insert.cellType,
          source: insert.source,
          metadata: insert.tags.length > 0 ? { tags: insert.tags } : {}
        });
      }
    });
  }
}

/**
 * Replace only the span that differs, so the cursor and the rest of the
 * cell's text (and anyone else editing it) are left alone.
 */
export function replaceChanged(
  cell: ISharedCell,
  before: string,
  after: string
): void {
  if (before === after) {
    return;
  }
  let head = 0;
  while (
    head < before.length &&
    head < after.length &&
    before[head] === after[head]
  ) {
    head++;
  }
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  ) {
    tail++;
  }
  cell.updateSource(
    head,
    before.length - tail,
    after.slice(head, after.length - tail)
  );
}
