import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { NotebookPanel } from '@jupyterlab/notebook';

import {
  code,
  finding,
  notebook,
  openNotebook,
  PANEL,
  waitForKernelIdle
} from './helpers';

test.use({ autoGoto: true });

/**
 * Imports whose distributions are installed in the test server's Python (the
 * kernel's too): `yaml` comes from PyYAML, a name that differs from the module;
 * nothing provides the third.
 */
const IMPORTS = notebook([
  code('import yaml\nimport jupyter_client', null, 'c0'),
  code('import nothing_provides_this_module', null, 'c1')
]);

const FREEZE = 'readiness:freeze-env';

function importRow(page: IJupyterLabPageFixture, module: string) {
  return page.locator(finding('unpinned-import'), { hasText: `\`${module}\`` });
}

test('freeze environment pins the imports and settles their findings', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, 'imports.ipynb', IMPORTS);
  await waitForKernelIdle(page);
  // The kernel imports them, so it is the kernel's environment that answers.
  await page.notebook.runCell(0);
  await page.notebook.runCell(1);
  await expect(importRow(page, 'yaml')).toHaveCount(1);
  await expect(importRow(page, 'jupyter_client')).toHaveCount(1);
  await expect(importRow(page, 'nothing_provides_this_module')).toHaveCount(1);

  // On a notebook the command is enabled, in the palette and the Readiness menu.
  expect(
    await page.evaluate(id => window.jupyterapp.commands.isEnabled(id), FREEZE)
  ).toBe(true);
  await page.keyboard.press('Control+Shift+C');
  await page.locator('.lm-CommandPalette-input').fill('Freeze Environment');
  await expect(
    page.locator('.lm-CommandPalette-item:not(.lm-mod-disabled)', {
      hasText: 'Freeze Environment'
    })
  ).toHaveCount(1);
  await page.keyboard.press('Escape');
  await page.menu.open('Readiness');
  const menuItem = page.locator('#jp-mainmenu-readiness .lm-Menu-item', {
    hasText: 'Freeze Environment'
  });
  await expect(menuItem).not.toHaveClass(/lm-mod-disabled/);
  await page.keyboard.press('Escape');

  // From the finding's button; the dialog previews requirements.txt.
  await importRow(page, 'yaml').locator('.readiness-freeze-button').click();
  const dialog = page.locator('.readiness-freeze-dialog');
  await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
    'Freeze environment'
  );
  await expect(dialog.locator('.readiness-freeze-body')).toHaveAttribute(
    'data-state',
    'ready'
  );
  await expect(
    dialog.locator('.readiness-freeze-file').first()
  ).toHaveAttribute('data-file', `${tmpPath}/requirements.txt`);
  const diff = (
    await dialog.locator('.readiness-diff').first().innerText()
  ).split('\n');
  const pyyaml = diff
    .map(line => /^\+PyYAML==(\d+(?:\.\d+)+)$/.exec(line))
    .find(Boolean);
  expect(pyyaml, diff.join('\n')).toBeTruthy();
  const version = pyyaml![1];
  expect(diff).toContainEqual(expect.stringMatching(/^\+jupyter_client==\d/));
  await expect(dialog.locator('.readiness-freeze-added')).toContainText(
    `PyYAML==${version}`
  );
  const unresolved = dialog.locator('.readiness-freeze-unresolved');
  await expect(unresolved).toContainText('nothing_provides_this_module');
  await expect(unresolved).toContainText('Not installed in the kernel');

  // Write: the file has the pins, and the re-check drops their findings.
  const write = dialog.locator('.jp-Dialog-button.jp-mod-accept');
  await expect(write).toHaveText('Write');
  await expect(write).toBeEnabled();
  await write.click();
  await expect(dialog).toHaveCount(0);
  await expect(
    page.getByText(/Pinned the environment in .*requirements\.txt/)
  ).toBeVisible();
  const response = await page.request.get(
    `/api/contents/${tmpPath}/requirements.txt?type=file&format=text&content=1`
  );
  expect(response.status()).toBe(200);
  const written: string = (await response.json()).content;
  expect(written.split('\n')).toContain(`PyYAML==${version}`);
  expect(written).toMatch(/^jupyter_client==\d/m);
  expect(written).not.toContain('nothing_provides_this_module');

  await expect(importRow(page, 'yaml')).toHaveCount(0);
  await expect(importRow(page, 'jupyter_client')).toHaveCount(0);
  await expect(importRow(page, 'nothing_provides_this_module')).toHaveCount(1);

  // A second run, from the menu: nothing to write.
  await page.menu.clickMenuItem('Readiness>Freeze Environment');
  await expect(dialog.locator('.readiness-freeze-body')).toHaveAttribute(
    'data-state',
    'ready'
  );
  await expect(dialog.locator('.readiness-freeze-status')).toHaveText(
    'Already pinned: nothing to write.'
  );
  await expect(dialog.locator('.readiness-freeze-file').first()).toContainText(
    'unchanged'
  );
  await expect(dialog.locator('.readiness-diff')).toHaveCount(0);
  await expect(
    dialog.locator('.jp-Dialog-button.jp-mod-accept')
  ).toBeDisabled();
  await dialog.locator('.jp-Dialog-button.jp-mod-reject').click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator(PANEL)).toBeVisible();
});

test('a busy kernel is asked again by itself; still busy, the dialog says so and Try again answers once it is idle', async ({
  page,
  tmpPath
}) => {
  await openNotebook(
    page,
    tmpPath,
    'busy.ipynb',
    notebook([
      code('import yaml', null, 'c0'),
      code('import time\ntime.sleep(16)', null, 'c1')
    ])
  );
  await waitForKernelIdle(page);
  await page.notebook.runCell(0);
  await expect(importRow(page, 'yaml')).toHaveCount(1);

  // Start the sleeping cell without waiting for it, then freeze while it runs.
  await page.notebook.selectCells(1);
  await page.evaluate(() => {
    void window.jupyterapp.commands.execute('notebook:run-cell');
  });
  await page.waitForFunction(
    () =>
      (window.jupyterapp.shell.currentWidget as NotebookPanel).sessionContext
        .session!.kernel!.status === 'busy'
  );
  // The finding's button from the keyboard: Enter presses it, not the row's jump.
  await importRow(page, 'yaml').locator('.readiness-freeze-button').focus();
  await page.keyboard.press('Enter');
  const dialog = page.locator('.readiness-freeze-dialog');
  // First the dialog waits and asks again by itself (BUSY_RETRY_DELAYS)...
  await expect(
    dialog.locator('.readiness-freeze-loading[data-retries="1"]')
  ).toContainText('The kernel is busy: asking again (1 of 4)');
  // ...then, the kernel still busy, it says so.
  await expect(dialog.locator('.readiness-freeze-body')).toHaveAttribute(
    'data-state',
    'error',
    { timeout: 30000 }
  );
  await expect(dialog.locator('.readiness-freeze-error')).toContainText(
    'the kernel did not answer'
  );
  await expect(
    dialog.locator('.jp-Dialog-button.jp-mod-accept')
  ).toBeDisabled();

  // The cell outlasts the retries (about 9 s with the requests): once it ends, Try again.
  await waitForKernelIdle(page);
  await dialog.locator('.readiness-freeze-retry').click();
  await expect(dialog.locator('.readiness-freeze-body')).toHaveAttribute(
    'data-state',
    'ready'
  );
  await expect(dialog.locator('.readiness-diff')).toContainText(/\+PyYAML==\d/);
  await expect(dialog.locator('.jp-Dialog-button.jp-mod-accept')).toBeEnabled();
  await dialog.locator('.jp-Dialog-button.jp-mod-reject').click();
  await expect(dialog).toHaveCount(0);
  // Cancel writes nothing.
  expect(await page.contents.fileExists(`${tmpPath}/requirements.txt`)).toBe(
    false
  );
});

test('a kernel busy for a moment is waited for: the preview arrives without Try again', async ({
  page,
  tmpPath
}) => {
  await openNotebook(
    page,
    tmpPath,
    'moment.ipynb',
    notebook([
      code('import yaml', null, 'c0'),
      code('import time\ntime.sleep(2)', null, 'c1')
    ])
  );
  await waitForKernelIdle(page);
  await page.notebook.runCell(0);
  await expect(importRow(page, 'yaml')).toHaveCount(1);
  await page.notebook.selectCells(1);
  await page.evaluate(() => {
    void window.jupyterapp.commands.execute('notebook:run-cell');
  });
  await page.waitForFunction(
    () =>
      (window.jupyterapp.shell.currentWidget as NotebookPanel).sessionContext
        .session!.kernel!.status === 'busy'
  );
  await page.evaluate(command => {
    void window.jupyterapp.commands.execute(command);
  }, FREEZE);
  const dialog = page.locator('.readiness-freeze-dialog');
  await expect(dialog.locator('.readiness-freeze-body')).toHaveAttribute(
    'data-state',
    'ready',
    { timeout: 15000 }
  );
  await expect(dialog.locator('.readiness-freeze-retry')).toHaveCount(0);
  await expect(dialog.locator('.readiness-diff')).toContainText(/\+PyYAML==\d/);
  await dialog.locator('.jp-Dialog-button.jp-mod-reject').click();
});

test('a version typed for what the kernel does not have is pinned', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, 'imports.ipynb', IMPORTS);
  await waitForKernelIdle(page);
  await expect(page.locator(finding('unpinned-import'))).toHaveCount(3);
  await page.evaluate(command => {
    void window.jupyterapp.commands.execute(command);
  }, FREEZE);
  const dialog = page.locator('.readiness-freeze-dialog');
  const body = dialog.locator('.readiness-freeze-body');
  await expect(body).toHaveAttribute('data-state', 'ready');
  const field = dialog.locator(
    '.readiness-freeze-unresolved li[data-name="nothing_provides_this_module"] .readiness-freeze-version'
  );

  // Not a version: the server says why, and the field stays to correct it.
  await field.fill('latest');
  await expect(body).toHaveAttribute('data-state', 'error');
  await expect(dialog.locator('.readiness-freeze-error')).toContainText(
    'is not an exact version'
  );
  await expect(
    dialog.locator('.jp-Dialog-button.jp-mod-accept')
  ).toBeDisabled();

  await field.fill('nothing-provides-this==1.0');
  await expect(body).toHaveAttribute('data-state', 'ready');
  await expect(dialog.locator('.readiness-diff').first()).toContainText(
    '+nothing-provides-this==1.0'
  );
  await expect(
    dialog.locator(
      '.readiness-freeze-unresolved li[data-name="nothing_provides_this_module"]'
    )
  ).toHaveAttribute('data-typed', 'yes');
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);
  // Written once the server answers the Write.
  await expect
    .poll(() =>
      page.evaluate(
        file =>
          window.jupyterapp.serviceManager.contents
            .get(file)
            .then(model => model.content as string)
            .catch(() => ''),
        `${tmpPath}/requirements.txt`
      )
    )
    .toContain('nothing-provides-this==1.0');
});
