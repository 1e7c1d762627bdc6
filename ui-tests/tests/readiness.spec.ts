import { expect, test } from '@jupyterlab/galata';

const PLUGIN_ID = 'jupyterlab-readiness:plugin';
const ACTIVATED = 'jupyterlab-readiness is activated';

/**
 * Don't load JupyterLab before the test: the console listener must be
 * attached before the extension activates, or its message is missed.
 */
test.use({ autoGoto: false });

test('jupyterlab-readiness loads and activates in JupyterLab', async ({
  page
}) => {
  const logs: string[] = [];
  const errors: string[] = [];
  page.on('console', message => {
    logs.push(message.text());
    if (
      message.type() === 'error' &&
      message.text().includes('jupyterlab-readiness')
    ) {
      errors.push(message.text());
    }
  });

  await page.goto();

  // 1. The extension's activate() ran, exactly once.
  expect(logs.filter(s => s === ACTIVATED)).toHaveLength(1);

  // 2. The server served our prebuilt (federated) extension to the page.
  const federated = await page.evaluate(() => {
    const el = document.getElementById('jupyter-config-data');
    const config = JSON.parse(el?.textContent ?? '{}');
    return ((config.federated_extensions ?? []) as Array<{ name: string }>).map(
      e => e.name
    );
  });
  expect(federated).toContain('jupyterlab-readiness');

  // 3. The application itself knows the plugin and reports it as activated.
  const state = await page.evaluate(id => {
    const app = window.jupyterapp;
    return {
      registered: app.hasPlugin(id),
      activated: app.isPluginActivated(id),
      // a plugin id that does not exist must not be reported as activated
      bogus: app.isPluginActivated(id + '-does-not-exist')
    };
  }, PLUGIN_ID);
  expect(state).toEqual({ registered: true, activated: true, bogus: false });

  // 4. Its settings schema (schema/plugin.json) was packaged and is served.
  const schema = await page.evaluate(async id => {
    const settings = await window.jupyterapp.serviceManager.settings.fetch(id);
    return { id: settings.id, title: settings.schema.title };
  }, PLUGIN_ID);
  expect(schema).toEqual({ id: PLUGIN_ID, title: 'Readiness' });

  // 5. No error was logged by the extension while loading.
  expect(errors).toEqual([]);
});
