/**
 * The Readiness commands. The actions still to come (extract to module,
 * export as package) are registered but disabled, so the menu already shows
 * where they will live.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';

import { freezeNotebook } from './freeze';
import { readinessIcon } from './icons';
import type { IReadiness } from './tokens';

export namespace CommandIDs {
  export const check = 'readiness:check';
  export const openPanel = 'readiness:open-panel';
  export const freezeEnv = 'readiness:freeze-env';
  export const extractToModule = 'readiness:extract-to-module';
  export const exportPackage = 'readiness:export-package';
}

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

  commands.addCommand(CommandIDs.openPanel, {
    label: trans.__('Open Readiness Panel'),
    caption: trans.__('Show the readiness score and findings of the current notebook'),
    icon: readinessIcon,
    execute: () => shell.activateById(panelId)
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
    label: trans.__('Freeze Environment'),
    caption: trans.__(
      'Pin what the notebook imports at the exact versions installed in its kernel'
    ),
    // Enabled while a notebook is the main area's current widget. It runs on
    // the tracker's current notebook: that one then, and always the one the
    // sidebar shows (whose Freeze button runs this command).
    isEnabled: () =>
      tracker.currentWidget !== null && tracker.currentWidget === shell.currentWidget,
    execute: async () => {
      const panel = tracker.currentWidget;
      if (panel) {
        await freezeNotebook(panel, readiness, trans);
      }
    }
  });

  const comingSoon: Array<[string, string, string]> = [
    [
      CommandIDs.extractToModule,
      trans.__('Extract to Module'),
      trans.__('Coming soon: move cells into a Python module of functions')
    ],
    [
      CommandIDs.exportPackage,
      trans.__('Export as Package'),
      trans.__('Coming soon: an installable package with pinned dependencies')
    ]
  ];
  for (const [id, label, caption] of comingSoon) {
    commands.addCommand(id, {
      label,
      caption,
      isEnabled: () => false,
      execute: () => undefined
    });
  }

  const notify = () => {
    commands.notifyCommandChanged(CommandIDs.check);
    commands.notifyCommandChanged(CommandIDs.freezeEnv);
  };
  tracker.currentChanged.connect(notify);
  // Optional in a shell: the lab shell has it.
  shell.currentChanged?.connect(notify);

  if (palette) {
    for (const command of [CommandIDs.check, CommandIDs.openPanel, CommandIDs.freezeEnv]) {
      palette.addItem({ command, category });
    }
  }
}
