import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

/**
 * The plugin id; also the key of its settings (schema/plugin.json).
 */
const PLUGIN_ID = 'jupyterlab-readiness:plugin';

/**
 * jupyterlab-readiness: production-readiness checks for notebooks.
 * The sidebar, cell markers and commands are added on top of this plugin.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Production-readiness checks for notebooks, with one-click fixes.',
  autoStart: true,
  optional: [ISettingRegistry],
  activate: (app: JupyterFrontEnd, settingRegistry: ISettingRegistry | null) => {
    console.log('jupyterlab-readiness is activated');

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          void settings; // no options yet; loaded so the schema is validated
        })
        .catch(reason => {
          console.error(
            'jupyterlab-readiness: failed to load settings.',
            reason
          );
        });
    }
  }
};

export default plugin;
