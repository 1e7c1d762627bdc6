/**
 * The coach's notebook side: next/previous finding commands (F8, Shift F8,
 * declared in schema/coach.json), cell badges that open their finding in the
 * sidebar, and the sidebar opening itself the first time a notebook with
 * errors is checked (setting `openOnErrors`); each finding's line underlined
 * in its cell with a hover card offering its fix, and marks in the
 * notebook's scrollbar.
 */
import type { Extension } from '@codemirror/state';
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import type { Cell } from '@jupyterlab/cells';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { cellOf } from '../cells';
import { jumpToFinding } from '../jump';
import { PANEL_ID } from '../panel';
import { IReadiness } from '../tokens';
import type { Finding } from '../types';
import { hoverCard } from './hovercard';
import { inNotebookOrder } from './order';
import { ScrollMarks } from './scrollmarks';
import {
  findingsByCell,
  underlineCell,
  underlineExtension,
  updateUnderlines
} from './underline';

const PLUGIN_ID = 'jupyterlab-readiness:coach';

export namespace CoachCommandIDs {
  export const nextFinding = 'readiness:next-finding';
  export const previousFinding = 'readiness:previous-finding';
}

/**
 * The class markers.ts gives a cell's badge.
 */
const BADGE = 'readiness-cell-badge';

export const coach: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Moves between findings from the notebook and opens them in the sidebar.',
  autoStart: true,
  requires: [IReadiness, INotebookTracker],
  optional: [ITranslator, ISettingRegistry, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    readiness: IReadiness,
    tracker: INotebookTracker,
    translator: ITranslator | null,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null
  ) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_readiness');
    const { commands, shell } = app;

    const findingsOf = (panel: NotebookPanel | null): Finding[] => {
      const reply = panel ? readiness.stateOf(panel)?.reply : null;
      return reply && !reply.error ? inNotebookOrder(reply.findings) : [];
    };
    const move = (forward: boolean) => {
      const panel = tracker.currentWidget;
      const findings = findingsOf(panel);
      if (!panel || findings.length === 0) {
        return;
      }
      const notebook = panel.content;
      const active = notebook.activeCellIndex;
      const editor = notebook.activeCell?.editor;
      // The cursor's line counts in edit mode only: in command mode the whole cell is "here".
      const line =
        notebook.mode === 'edit' && editor
          ? editor.getCursorPosition().line + 1
          : forward
            ? Infinity
            : -Infinity;
      const place = (f: Finding): [number, number] => {
        const cell = cellOf(panel, f);
        return [cell ? notebook.widgets.indexOf(cell) : -1, f.line ?? 0];
      };
      const after = (f: Finding) => {
        const [cell, at] = place(f);
        return cell > active || (cell === active && at > line);
      };
      const before = (f: Finding) => {
        const [cell, at] = place(f);
        return cell < active || (cell === active && at < line);
      };
      // Wraps around, as the editor's "next problem" does.
      const target = forward
        ? (findings.find(after) ?? findings[0])
        : ([...findings].reverse().find(before) ??
          findings[findings.length - 1]);
      void jumpToFinding(app, panel, target);
    };

    commands.addCommand(CoachCommandIDs.nextFinding, {
      label: trans.__('Next Readiness Finding'),
      caption: trans.__('Go to the next cell with a readiness finding'),
      isEnabled: () => findingsOf(tracker.currentWidget).length > 0,
      execute: () => move(true)
    });
    commands.addCommand(CoachCommandIDs.previousFinding, {
      label: trans.__('Previous Readiness Finding'),
      caption: trans.__('Go to the previous cell with a readiness finding'),
      isEnabled: () => findingsOf(tracker.currentWidget).length > 0,
      execute: () => move(false)
    });
    palette?.addItem({
      command: CoachCommandIDs.nextFinding,
      category: trans.__('Readiness')
    });
    palette?.addItem({
      command: CoachCommandIDs.previousFinding,
      category: trans.__('Readiness')
    });

    // A badge opens its cell's first finding in the sidebar, focused there
    // so the keyboard (arrows, Enter, the fix buttons) carries on from it.
    tracker.widgetAdded.connect((_, panel) => {
      panel.content.node.addEventListener('click', event => {
        const badge = (event.target as Element).closest(`.${BADGE}`);
        const cell = panel.content.widgets.find(c => c.node.contains(badge));
        if (!badge || !cell) {
          return;
        }
        const index = panel.content.widgets.indexOf(cell);
        shell.activateById(PANEL_ID);
        requestAnimationFrame(() => {
          const row = document.querySelector<HTMLElement>(
            `#${PANEL_ID} .readiness-finding[data-cell-index="${index}"]`
          );
          row?.scrollIntoView({ block: 'nearest' });
          row?.focus();
        });
      });
    });

    // One editor extension per notebook (its hover card acts on that notebook).
    const extensions = new WeakMap<NotebookPanel, Extension>();
    const injected = new WeakSet<object>();
    const scrollMarks = new WeakMap<NotebookPanel, ScrollMarks>();
    // A cell rendered after its report (out of view in a long notebook until
    // now) gets the findings of the latest report then, and the scrollbar
    // marks are redrawn at its lines.
    const waiting = new WeakSet<Cell>();
    const underlineWhenRendered = (
      panel: NotebookPanel,
      cell: Cell,
      extension: Extension
    ) => {
      if (waiting.has(cell) || !cell.isPlaceholder()) {
        return;
      }
      waiting.add(cell);
      void cell.ready.then(() => {
        waiting.delete(cell);
        if (panel.isDisposed || cell.isDisposed) {
          return;
        }
        const findings = findingsOf(panel);
        const wanted = findingsByCell(panel, findings).get(cell) ?? [];
        underlineCell(cell, wanted, extension, injected);
        scrollMarks.get(panel)?.update(findings);
      });
    };
    const showMarks = (panel: NotebookPanel) => {
      const findings = findingsOf(panel);
      let extension = extensions.get(panel);
      if (!extension) {
        extension = underlineExtension(found =>
          hoverCard(found, { panel, readiness, commands, trans })
        );
        extensions.set(panel, extension);
      }
      updateUnderlines(panel, findings, extension, injected, cell =>
        underlineWhenRendered(panel, cell, extension!)
      );
      let marks = scrollMarks.get(panel);
      if (!marks) {
        marks = new ScrollMarks(
          panel,
          finding => void jumpToFinding(app, panel, finding),
          trans
        );
        scrollMarks.set(panel, marks);
      }
      marks.update(findings);
    };

    let openOnErrors = true;
    const opened = new WeakSet<NotebookPanel>();
    readiness.changed.connect((_, panel) => {
      const reply = readiness.stateOf(panel)?.reply;
      commands.notifyCommandChanged(CoachCommandIDs.nextFinding);
      commands.notifyCommandChanged(CoachCommandIDs.previousFinding);
      if (!panel.isDisposed) {
        showMarks(panel);
      }
      if (!reply || reply.error || opened.has(panel)) {
        return;
      }
      // Only the first report of a notebook decides: closing the sidebar afterwards is respected.
      opened.add(panel);
      if (openOnErrors && reply.band === 'blocked') {
        shell.activateById(PANEL_ID);
      }
    });
    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = () => {
            openOnErrors = settings.composite.openOnErrors as boolean;
          };
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason =>
          console.error(
            'jupyterlab-readiness: failed to load the coach settings.',
            reason
          )
        );
    }
  }
};
