import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, IToolbarWidgetRegistry } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { fetchCatalogue } from './api';
import { ReadinessChecker } from './checker';
import { coach } from './coach/plugin';
import { addCommands, addRehearseCommand } from './commands';
import { jumpToFinding } from './jump';
import { updateMarkers } from './markers';
import { PANEL_ID, ReadinessPanel } from './panel';
import { RehearsalManager } from './rehearsals';
import { IReadiness, IReadinessSettings, IRehearsals } from './tokens';
import { ScoreItem } from './toolbar';

/**
 * The core plugin's id; also the key of the settings (schema/plugin.json).
 */
const PLUGIN_ID = 'jupyterlab-readiness:plugin';

const DOMAIN = 'jupyterlab_readiness';

/**
 * Checks every open notebook and keeps its latest report (IReadiness).
 */
const core: JupyterFrontEndPlugin<IReadiness> = {
  id: PLUGIN_ID,
  description: 'Checks open notebooks for production readiness.',
  autoStart: true,
  provides: IReadiness,
  requires: [INotebookTracker],
  optional: [ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ): IReadiness => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    const checker = new ReadinessChecker(tracker, trans);

    fetchCatalogue()
      .then(({ checks }) => checker.setKnownChecks(checks.map(c => c.id)))
      .catch(reason =>
        console.error(
          'jupyterlab-readiness: cannot read the check catalogue.',
          reason
        )
      );

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = () =>
            checker.configure(
              settings.composite as unknown as IReadinessSettings
            );
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason =>
          console.error(
            'jupyterlab-readiness: failed to load settings.',
            reason
          )
        );
    }

    console.log('jupyterlab-readiness is activated');
    return checker;
  }
};

/**
 * The Readiness sidebar (right area) and the commands that open and run it.
 */
const sidebar: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-readiness:sidebar',
  description: 'The Readiness sidebar, commands and menu.',
  autoStart: true,
  requires: [IReadiness, INotebookTracker],
  optional: [ITranslator, ILayoutRestorer, ICommandPalette, IRehearsals],
  activate: (
    app: JupyterFrontEnd,
    readiness: IReadiness,
    tracker: INotebookTracker,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    rehearsals: IRehearsals | null
  ) => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    const panel = new ReadinessPanel({
      readiness,
      tracker,
      trans,
      onJump: (notebook, finding) => void jumpToFinding(app, notebook, finding),
      // The commands run on the current notebook, which is the one the sidebar shows.
      commands: app.commands,
      rehearsals
    });
    app.shell.add(panel, 'right', { rank: 600 });
    restorer?.add(panel, PANEL_ID);
    addCommands(app, readiness, tracker, trans, PANEL_ID, palette);
  }
};

/**
 * Rehearse Notebook: two fresh runs in new kernels on the server, their
 * progress in the sidebar (IRehearsals), the running cell highlighted.
 */
const rehearse: JupyterFrontEndPlugin<IRehearsals> = {
  id: 'jupyterlab-readiness:rehearse',
  description: 'Rehearses notebooks: two fresh runs in new kernels, compared.',
  autoStart: true,
  provides: IRehearsals,
  requires: [IReadiness, INotebookTracker],
  optional: [ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    readiness: IReadiness,
    tracker: INotebookTracker,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ): IRehearsals => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    const rehearsals = new RehearsalManager(readiness, trans);
    addRehearseCommand(app, rehearsals, tracker, trans, PANEL_ID, palette);
    return rehearsals;
  }
};

/**
 * Badges on the cells that have findings.
 */
const markers: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-readiness:markers',
  description: 'Marks the cells that have readiness findings.',
  autoStart: true,
  requires: [IReadiness],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    readiness: IReadiness,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    readiness.changed.connect((_, panel) =>
      updateMarkers(readiness, panel, trans)
    );
  }
};

/**
 * The `readiness` item of the notebook toolbar (declared in schema/plugin.json).
 */
const toolbar: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-readiness:toolbar',
  description: 'Shows the readiness score in the notebook toolbar.',
  autoStart: true,
  requires: [IReadiness, IToolbarWidgetRegistry],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    readiness: IReadiness,
    registry: IToolbarWidgetRegistry,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    registry.addFactory<NotebookPanel>(
      'Notebook',
      'readiness',
      panel => new ScoreItem(panel, readiness, app.commands, trans)
    );
  }
};

export default [core, rehearse, sidebar, markers, toolbar, coach];
