import { expect, test } from '@jupyterlab/galata';

import { code, PANEL } from './helpers';

test.use({ autoGoto: true });

/**
 * An R notebook (no R kernel here: it opens with none).
 */
const R_NOTEBOOK = JSON.stringify({
  cells: [code('library(dplyr)\nx <- runif(10)', null, 'r0')],
  metadata: {
    kernelspec: { name: 'ir', display_name: 'R', language: 'R' },
    language_info: { name: 'R' }
  },
  nbformat: 4,
  nbformat_minor: 5
});

test('on an R notebook Freeze, Extract and Export are disabled and say why', async ({
  page,
  tmpPath
}) => {
  await page.contents.uploadContent(
    R_NOTEBOOK,
    'text',
    `${tmpPath}/analysis.ipynb`
  );
  await page.filebrowser.open(`${tmpPath}/analysis.ipynb`);
  // No R kernel is installed: JupyterLab asks for one; go on without.
  const noKernel = page.locator('.jp-Dialog .jp-Dialog-button', {
    hasText: 'No Kernel'
  });
  const dialog = page.locator('.jp-Dialog');
  await dialog.waitFor();
  if (await noKernel.count()) {
    await noKernel.click();
  } else {
    await dialog.locator('.jp-Dialog-button.jp-mod-reject').click();
  }
  await page.sidebar.openTab('readiness-panel');
  await expect(
    page.locator(`${PANEL} .readiness-finding[data-check="non-python-kernel"]`)
  ).toHaveCount(1);

  const commands = await page.evaluate(() => {
    const registry = window.jupyterapp.commands;
    return [
      'readiness:freeze-env',
      'readiness:extract-to-module',
      'readiness:export-package',
      'readiness:check'
    ].map(id => ({
      label: registry.label(id),
      enabled: registry.isEnabled(id)
    }));
  });
  expect(commands.slice(0, 3).map(c => c.enabled)).toEqual([
    false,
    false,
    false
  ]);
  for (const command of commands.slice(0, 3)) {
    expect(command.label).toContain(
      'works on Python notebooks; this one runs R'
    );
  }
  // What can help stays: checking the notebook.
  expect(commands[3]).toEqual({
    label: 'Check Notebook Readiness',
    enabled: true
  });
});
