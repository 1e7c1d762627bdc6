/**
 * The Readiness commands. The actions (freeze env, extract to module, export
 * as package) are registered but disabled until they exist, so the menu and
 * palette already show where they will live.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';

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

  const comingSoon: Array<[string, string, string]> = [
    [
      CommandIDs.freezeEnv,
      trans.__('Freeze Environment'),
      trans.__('Coming soon: exact pins for what the notebook imports, from the live kernel')
    ],
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

  tracker.currentChanged.connect(() => commands.notifyCommandChanged(CommandIDs.check));

  if (palette) {
    for (const command of [CommandIDs.check, CommandIDs.openPanel]) {
      palette.addItem({ command, category });
    }
  }
}
