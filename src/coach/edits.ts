/**
 * A fix's cell edits, applied to the notebook open in the editor (its shared
 * model), not to the file: the user sees the change at once, keeps editing,
 * and undoes it in the cell like any other edit. The edits are first turned
 * into a plan (each touched cell's source before and after), which the
 * preview shows and `applyPlan` applies unchanged, as one undoable step.
 */
import type { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';

import type { Fix } from '../types';
import { asOneStep, type IUndoManager } from './undo';

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
 * An edit of a cell's text that was edited since the fix was made: applied,
 * it would undo that edit (a fix carries the text it read, rewritten).
 */
export class EditedSinceError extends StaleFixError {}

/**
 * Each cell's source by cell id (`#index` for a cell without one).
 */
export function cellSources(notebook: {
  cells: { id?: unknown; source: string | string[] }[];
}): ReadonlyMap<string, string> {
  const sources = new Map<string, string>();
  notebook.cells.forEach((cell, index) => {
    const text = Array.isArray(cell.source)
      ? cell.source.join('')
      : cell.source;
    sources.set(cellKey(cell.id, index), text);
  });
  return sources;
}

function cellKey(id: unknown, index: number): string {
  return typeof id === 'string' && id ? id : `#${index}`;
}

/**
 * The plan of `fixes`' edits on the notebook as it is now. The core orders a
 * fix's edits so that cell edits come first and inserted cells last, from the
 * bottom up: every index is an index of the notebook the finding came from;
 * the cell id finds a cell whose index moved since. `read`: each cell's source
 * as the fixes were made from it (`cellSources`); a text edit of a cell whose
 * source differs now throws EditedSinceError.
 */
export function planEdits(
  panel: NotebookPanel,
  fixes: Fix[],
  read?: ReadonlyMap<string, string>
): IEditPlan {
  const cells = panel.content.model!.sharedModel.cells;
  const changes = new Map<ISharedCell, ICellChange>();
  const inserts: INewCell[] = [];
  const textOf = (id: string | null, index: number): ICellChange => {
    const change = locate(id, index);
    const was = read?.get(cellKey(id, index));
    if (was !== undefined && was !== change.before) {
      throw new EditedSinceError();
    }
    return change;
  };
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
          textOf(edit.cell_id, edit.cell_index).after = edit.source;
          break;
        case 'insert-text': {
          const change = textOf(edit.cell_id, edit.cell_index);
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
 * Apply a plan as one step of the notebook's history: one Ctrl+Z in an edited
 * cell (or Z in command mode) reverts all of it, inserted cells included.
 * Each edited cell changes in a transaction of its own, whose origin is the
 * cell, so its undo manager records it (with per-cell undo, JupyterLab's
 * default, a cell's manager tracks only its own transactions); inserted cells
 * come in one notebook transaction; `asOneStep` links the steps. With
 * document-wide undo every change is the notebook's: one transaction.
 */
export function applyPlan(panel: NotebookPanel, plan: IEditPlan): void {
  const model = panel.content.model!;
  const shared = model.sharedModel as typeof model.sharedModel & {
    undoManager?: IUndoManager;
  };
  const perCell = shared.disableDocumentWideUndoRedo !== false;
  const managers = [
    shared.undoManager,
    ...plan.changes.map(
      change => (change.cell as { undoManager?: IUndoManager }).undoManager
    )
  ];
  const edit = () => {
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
    }
    if (plan.inserts.length > 0) {
      shared.transact(() => {
        for (const insert of plan.inserts) {
          shared.insertCell(insert.index, {
            cell_type: insert.cellType,
            source: insert.source,
            metadata: insert.tags.length > 0 ? { tags: insert.tags } : {}
          });
        }
      });
    }
  };
  asOneStep(managers, perCell ? edit : () => shared.transact(edit));
  // Outputs are not part of the undo history in JupyterLab.
  for (const change of plan.changes) {
    if (change.clearOutputs && change.cell.cell_type === 'code') {
      const cellModel = model.cells.get(
        shared.cells.indexOf(change.cell)
      ) as ICodeCellModel;
      cellModel.outputs.clear();
    }
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
