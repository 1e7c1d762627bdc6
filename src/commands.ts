/**
 * The Readiness commands.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import { codeCheckIcon } from '@jupyterlab/ui-components';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';

import { exportNotebook, packageIcon } from './export';
import { extractCells, extractableCells } from './extract';
import { freezeNotebook } from './freeze';
import { focusPanel } from './coach/focus';
import { readinessIcon } from './icons';
import { notPythonReason } from './language';
import { askRehearsal } from './rehearse-dialog';
import type { IReadiness, IRehearsals } from './tokens';

export namespace CommandIDs {
  export const check = 'readiness:check';
  export const openPanel = 'readiness:open-panel';
  export const freezeEnv = 'readiness:freeze-env';
  export const extractToModule = 'readiness:extract-to-module';
  export const exportPackage = 'readiness:export-package';
  export const rehearse = 'readiness:rehearse';
}

/**
 * The main area's current notebook once its model is loaded, else null: what
 * the notebook actions work on.
 */
function readyNotebook(
  tracker: INotebookTracker,
  shell: JupyterFrontEnd.IShell
): NotebookPanel | null {
  const panel = tracker.currentWidget;
  return panel !== null &&
    panel === shell.currentWidget &&
    panel.context.isReady
    ? panel
    : null;
}

/**
 * The file browser's refresh command (@jupyterlab/filebrowser-extension).
 */
const REFRESH_FILES = 'filebrowser:refresh';

export function addCommands(
  app: JupyterFrontEnd,
  readiness: IReadiness,
  tracker: INotebookTracker,
  trans: TranslationBundle,
  panelId: string,
  palette: ICommandPalette | null
): void {
  const { commands, shell } = app;
  const category = trans.__('Readiness');
  // A Python-only action's label says why it is disabled on another language.
  const pythonOnly = (label: string) => () => {
    const reason = notPythonReason(tracker.currentWidget, trans);
    return reason ? trans.__('%1 (%2)', label, reason) : label;
  };
  const isPython = () => notPythonReason(tracker.currentWidget, trans) === null;

  commands.addCommand(CommandIDs.openPanel, {
    label: trans.__('Open Readiness Panel'),
    caption: trans.__(
      'Show the readiness score and findings of the current notebook'
    ),
    icon: readinessIcon,
    execute: () => {
      shell.activateById(panelId);
      focusPanel(panelId);
    }
  });

  commands.addCommand(CommandIDs.check, {
    label: trans.__('Check Notebook Readiness'),
    caption: trans.__('Check the current notebook now and show the findings'),
    icon: readinessIcon,
    isEnabled: () => tracker.currentWidget !== null,
    execute: async () => {
      const panel = tracker.currentWidget;
      if (panel) {
        shell.activateById(panelId);
        await readiness.check(panel);
      }
    }
  });

  commands.addCommand(CommandIDs.freezeEnv, {
    label: pythonOnly(trans.__('Freeze Environment')),
    caption: trans.__(
      'Pin what the notebook imports at the exact versions installed in its kernel'
    ),
    // Enabled while a notebook is the main area's current widget. It runs on
    // the tracker's current notebook: that one then, and always the one the
    // sidebar shows (whose Freeze button runs this command).
    isEnabled: () =>
      tracker.currentWidget !== null &&
      tracker.currentWidget === shell.currentWidget &&
      isPython(),
    execute: async () => {
      const panel = tracker.currentWidget;
      if (panel) {
        await freezeNotebook(panel, readiness, trans);
      }
    }
  });

  commands.addCommand(CommandIDs.extractToModule, {
    label: pythonOnly(trans.__('Extract to Module')),
    caption: trans.__(
      'Move the selected code cells into a function of a Python module, and call it from the notebook'
    ),
    // Like Freeze, on the main area's current notebook; and only when the
    // selection (or the active cell) holds code cells (and maybe markdown).
    isEnabled: () => {
      const panel = readyNotebook(tracker, shell);
      return panel !== null && isPython() && extractableCells(panel) !== null;
    },
    execute: async () => {
      const panel = tracker.currentWidget;
      if (panel) {
        await extractCells(
          panel,
          readiness,
          app.serviceManager.contents,
          trans,
          () => {
            // The server wrote the module: show it in the file browser now
            // rather than at its next poll.
            if (commands.hasCommand(REFRESH_FILES)) {
              void commands.execute(REFRESH_FILES);
            }
          }
        );
      }
    }
  });

  commands.addCommand(CommandIDs.exportPackage, {
    label: pythonOnly(trans.__('Export as Package')),
    caption: trans.__(
      'Write the notebook as an installable Python package with pinned dependencies'
    ),
    icon: packageIcon,
    // Like Extract, on the main area's current notebook once its model is loaded.
    // Its items: the Readiness menu, and File > Save and Export Notebook As
    // (both in schema/plugin.json; the settings merge a submenu's items by its
    // id, so this item joins the one @jupyterlab/notebook-extension declares).
    isEnabled: () => {
      return readyNotebook(tracker, shell) !== null && isPython();
    },
    execute: async () => {
      const panel = tracker.currentWidget;
      if (panel) {
        await exportNotebook(panel, trans, () => {
          if (commands.hasCommand(REFRESH_FILES)) {
            void commands.execute(REFRESH_FILES);
          }
        });
      }
    }
  });

  const notify = () => {
    commands.notifyCommandChanged(CommandIDs.check);
    commands.notifyCommandChanged(CommandIDs.freezeEnv);
    commands.notifyCommandChanged(CommandIDs.extractToModule);
    commands.notifyCommandChanged(CommandIDs.exportPackage);
  };
  tracker.currentChanged.connect(notify);
  // Export waits for the notebook's model to load; the language arrives in
  // its metadata with the kernel.
  tracker.widgetAdded.connect((_, panel) => {
    panel.context.ready.then(
      () => {
        notify();
        panel.model?.metadataChanged.connect(notify);
      },
      () => undefined
    );
  });
  tracker.activeCellChanged.connect(notify);
  tracker.selectionChanged.connect(notify);
  // Optional in a shell: the lab shell has it.
  shell.currentChanged?.connect(notify);

  if (palette) {
    for (const command of [
      CommandIDs.check,
      CommandIDs.openPanel,
      CommandIDs.freezeEnv,
      CommandIDs.extractToModule,
      CommandIDs.exportPackage
    ]) {
      palette.addItem({ command, category });
    }
  }
}

/**
 * Rehearse Notebook (`readiness:rehearse`): in the Readiness menu
 * (schema/plugin.json), the palette and the sidebar's Rehearsal section.
 */
export function addRehearseCommand(
  app: JupyterFrontEnd,
  rehearsals: IRehearsals,
  tracker: INotebookTracker,
  trans: TranslationBundle,
  panelId: string,
  palette: ICommandPalette | null
): void {
  const { commands, shell } = app;
  commands.addCommand(CommandIDs.rehearse, {
    label: trans.__('Rehearse Notebook'),
    caption: trans.__(
      'Run the notebook top to bottom in a new kernel, twice, in a scratch copy of its folder, and compare'
    ),
    // Not the fast-forward of Restart and Run All, which sits in the same toolbar.
    icon: codeCheckIcon,
    // On the main area's current notebook once loaded, when it is not being rehearsed.
    isEnabled: () => {
      const panel = readyNotebook(tracker, shell);
      return panel !== null && !rehearsals.isRunning(panel);
    },
    execute: async () => {
      const panel = tracker.currentWidget;
      if (!panel || rehearsals.isRunning(panel)) {
        return;
      }
      const options = await askRehearsal(panel, trans);
      if (options && !panel.isDisposed) {
        // The progress is shown in the sidebar.
        shell.activateById(panelId);
        await rehearsals.start(panel, options);
      }
    }
  });
  const notify = () => commands.notifyCommandChanged(CommandIDs.rehearse);
  tracker.currentChanged.connect(notify);
  tracker.widgetAdded.connect((_, panel) => {
    panel.context.ready.then(notify, () => undefined);
  });
  rehearsals.changed.connect(notify);
  shell.currentChanged?.connect(notify);
  palette?.addItem({
    command: CommandIDs.rehearse,
    category: trans.__('Readiness')
  });
}
