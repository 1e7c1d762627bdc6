/**
 * The offending line of each finding underlined in its cell's editor, with a
 * hover card: the findings on that line, and for each the button of its first
 * fix (the same preview-then-apply path as the sidebar's Fix button).
 *
 * The underline is a CodeMirror decoration held in a state field of the
 * editor: it follows the user's typing until the next report replaces it.
 */
import {
  type Extension,
  StateEffect,
  StateField,
  type Text
} from '@codemirror/state';
import {
  Decoration,
  type DecorationSet,
  EditorView,
  hoverTooltip
} from '@codemirror/view';
import type { Cell } from '@jupyterlab/cells';
import type { CodeMirrorEditor } from '@jupyterlab/codemirror';
import type { NotebookPanel } from '@jupyterlab/notebook';

import { cellOf } from '../cells';
import type { Finding } from '../types';

/**
 * The classes of the underline (plus `readiness-underline-<severity>`).
 */
export const UNDERLINE = 'readiness-underline';

/**
 * Replaces the findings a cell's editor underlines.
 */
const setFindings = StateEffect.define<Finding[]>();

/**
 * A decoration's finding, read back by the hover card.
 */
interface IMarkSpec {
  finding: Finding;
}

const underlines = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, transaction) {
    let next = value.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (effect.is(setFindings)) {
        next = decorate(transaction.state.doc, effect.value);
      }
    }
    return next;
  },
  provide: field => EditorView.decorations.from(field)
});

/**
 * The text of each finding's line, leading and trailing blanks left out (an
 * underline under indentation points at nothing).
 */
function decorate(doc: Text, findings: Finding[]): DecorationSet {
  const ranges = [];
  for (const finding of findings) {
    if (finding.line === null || finding.line < 1 || finding.line > doc.lines) {
      continue;
    }
    const line = doc.line(finding.line);
    const start = line.text.length - line.text.trimStart().length;
    const end = line.text.trimEnd().length;
    // A mark may not be empty: a blank line has nothing to underline.
    if (end <= start) {
      continue;
    }
    ranges.push(
      Decoration.mark({
        class: `${UNDERLINE} ${UNDERLINE}-${finding.severity}`,
        attributes: { 'data-check': finding.check },
        finding
      } as Parameters<typeof Decoration.mark>[0] & IMarkSpec).range(
        line.from + start,
        line.from + end
      )
    );
  }
  return Decoration.set(ranges, true);
}

/**
 * The editor extension of one notebook: the underlines, and the hover card
 * that `card` draws for the findings under the pointer.
 */
export function underlineExtension(
  card: (findings: Finding[]) => HTMLElement
): Extension {
  return [
    underlines,
    hoverTooltip((view, pos) => {
      const found: Finding[] = [];
      let from = pos;
      let to = pos;
      view.state.field(underlines).between(pos, pos, (start, end, value) => {
        found.push((value.spec as IMarkSpec).finding);
        from = Math.min(from, start);
        to = Math.max(to, end);
      });
      if (found.length === 0) {
        return null;
      }
      return {
        pos: from,
        end: to,
        above: true,
        create: () => ({ dom: card(found) })
      };
    })
  ];
}

/**
 * Underline each code cell's findings in its editor. `extension` is injected
 * once per editor (the set of editors that have it is `injected`). A cell
 * JupyterLab has not rendered yet (a long notebook renders the cells out of
 * view later, or when they are scrolled to) has no editor: `undrawn` gets
 * each such cell that has findings, to underline it once it is rendered.
 */
export function updateUnderlines(
  panel: NotebookPanel,
  findings: Finding[],
  extension: Extension,
  injected: WeakSet<object>,
  undrawn: (cell: Cell) => void
): void {
  const byCell = findingsByCell(panel, findings);
  for (const cell of panel.content.widgets) {
    const wanted = byCell.get(cell) ?? [];
    if (!underlineCell(cell, wanted, extension, injected) && wanted.length) {
      undrawn(cell);
    }
  }
}

/**
 * The findings with a line, by the cell they are in.
 */
export function findingsByCell(
  panel: NotebookPanel,
  findings: Finding[]
): Map<Cell, Finding[]> {
  const byCell = new Map<Cell, Finding[]>();
  for (const finding of findings) {
    const cell = cellOf(panel, finding);
    if (cell && finding.line !== null) {
      byCell.set(cell, [...(byCell.get(cell) ?? []), finding]);
    }
  }
  return byCell;
}

/**
 * Underline `wanted` in the cell's editor; false when the cell has no editor
 * yet (not rendered).
 */
export function underlineCell(
  cell: Cell,
  wanted: Finding[],
  extension: Extension,
  injected: WeakSet<object>
): boolean {
  if (cell.model.type !== 'code') {
    return true;
  }
  const editor = cell.editor as CodeMirrorEditor | null;
  if (!editor) {
    return false;
  }
  // An editor with nothing to underline, and never had, is left alone.
  if (!injected.has(editor) && wanted.length === 0) {
    return true;
  }
  if (!injected.has(editor)) {
    editor.injectExtension(extension);
    injected.add(editor);
  }
  editor.editor.dispatch({ effects: setFindings.of(wanted) });
  return true;
}
