import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

import {
  code,
  markdown,
  notebook,
  openNotebook,
  startCommand,
  tagged,
  waitForKernelIdle
} from './helpers';

test.use({ autoGoto: true });

const EXPORT = 'readiness:export-package';

/**
 * A papermill-style notebook: a `parameters`-tagged cell, headings over the
 * steps, and a last step that prints and writes a file.
 */
const SALES = notebook([
  markdown('# Sales report', 'm0'),
  tagged(code('region = "emea"\ndays = 7', null, 'c1'), ['parameters']),
  markdown('## Load', 'm2'),
  code('rows = [days * i for i in range(3)]', null, 'c3'),
  markdown('## Summarise', 'm4'),
  code(
    'total = sum(rows)\nprint(region, total)\n' +
      'with open("summary.txt", "w") as f:\n    f.write(str(total))',
    null,
    'c5'
  )
]);

function exportDialog(page: IJupyterLabPageFixture) {
  const dialog = page.locator('.readiness-export-dialog');
  return {
    dialog,
    body: dialog.locator('.readiness-export'),
    name: dialog.locator('input[name="package-name"]'),
    out: dialog.locator('input[name="export-out"]'),
    files: dialog.locator('.readiness-export-file'),
    file: (path: string) =>
      dialog.locator(`.readiness-export-file[data-path="${path}"]`),
    params: dialog.locator('.readiness-export-param'),
    blocking: dialog.locator('.readiness-export-blocking'),
    error: dialog.locator('.readiness-export-error'),
    text: dialog.locator('.readiness-export-text'),
    exportButton: dialog.locator('.jp-Dialog-button.jp-mod-accept'),
    cancel: dialog.locator('.jp-Dialog-button.jp-mod-reject')
  };
}

/**
 * Wait for the preview of the fields shown (the body's `data-state`).
 */
async function previewed(
  page: IJupyterLabPageFixture,
  state = 'ready'
): Promise<void> {
  await expect(
    page.locator('.readiness-export-dialog .readiness-export-body')
  ).toHaveAttribute('data-state', state);
}

test('export as package previews, writes, and is idempotent', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, 'sales_report.ipynb', SALES);
  await waitForKernelIdle(page);

  // Enabled on a notebook; in the palette under its label.
  expect(
    await page.evaluate(id => window.jupyterapp.commands.isEnabled(id), EXPORT)
  ).toBe(true);
  await page.keyboard.press('Control+Shift+C');
  await page.locator('.lm-CommandPalette-input').fill('Export as Package');
  await expect(
    page.locator('.lm-CommandPalette-item:not(.lm-mod-disabled)', {
      hasText: 'Export as Package'
    })
  ).toHaveCount(1);
  await page.keyboard.press('Escape');

  // From the Readiness menu: the server's defaults fill the fields.
  await page.menu.clickMenuItem('Readiness>Export as Package');
  const ui = exportDialog(page);
  await expect(ui.dialog.locator('.jp-Dialog-header')).toHaveText(
    'Export as package'
  );
  await previewed(page);
  await expect(ui.name).toHaveValue('sales_report');
  await expect(ui.out).toHaveValue(`${tmpPath}/sales_report`);
  for (const path of [
    'pyproject.toml',
    'README.md',
    'src/sales_report/pipeline.py'
  ]) {
    await expect(ui.file(path)).toHaveAttribute('data-status', 'create');
  }
  await expect(ui.params).toHaveCount(2);
  await expect(ui.params.nth(0)).toHaveAttribute('data-name', 'region');
  // Name, type, default (Python literal text) and where it comes from.
  await expect(ui.params.nth(0).locator('td')).toHaveText([
    'region',
    'str',
    "'emea'",
    'cell 2'
  ]);
  await expect(ui.params.nth(1)).toHaveAttribute('data-name', 'days');
  await expect(ui.params.nth(1).locator('td')).toHaveText([
    'days',
    'int',
    '7',
    'cell 2'
  ]);
  await expect(ui.blocking).toHaveCount(0);
  await expect(ui.exportButton).toHaveText('Export');
  await expect(ui.exportButton).toBeEnabled();

  // Clicking a file shows its text.
  await ui.file('pyproject.toml').click();
  await expect(ui.text).toHaveAttribute('data-path', 'pyproject.toml');
  await expect(ui.text).toContainText('[project]');
  await ui.file('src/sales_report/pipeline.py').click();
  await expect(ui.text).toHaveAttribute(
    'data-path',
    'src/sales_report/pipeline.py'
  );
  await expect(ui.text).toContainText('def ');
  // For the README; with READINESS_DOCS_SCREENSHOTS=1 also to docs/.
  const shot = await ui.dialog.locator('.jp-Dialog-content').screenshot();
  const targets = [path.resolve(__dirname, '..', 'test-results')];
  if (process.env.READINESS_DOCS_SCREENSHOTS) {
    targets.push(path.resolve(__dirname, '..', '..', 'docs'));
  }
  for (const dir of targets) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'export-dialog.png'), shot);
  }

  // Another name: the preview follows, and so does the default folder.
  await ui.name.fill('daily_sales');
  await expect(ui.file('src/daily_sales/pipeline.py')).toHaveCount(1);
  await previewed(page);
  await expect(ui.file('src/sales_report/pipeline.py')).toHaveCount(0);
  await expect(ui.out).toHaveValue(`${tmpPath}/daily_sales`);

  // An invalid name: the server's message, Export disabled, the dialog stays
  // open even on Enter.
  await ui.name.fill('Not a name!');
  await previewed(page, 'error');
  // the server names the problem without repeating what was typed
  await expect(ui.error).toContainText('not a valid package name');
  await expect(ui.exportButton).toBeDisabled();
  await ui.name.press('Enter');
  await expect(ui.dialog).toHaveCount(1);
  await expect(ui.error).toBeVisible();

  // Back to the default, and Export.
  await ui.name.fill('sales_report');
  await previewed(page);
  await expect(ui.out).toHaveValue(`${tmpPath}/sales_report`);
  await expect(ui.exportButton).toBeEnabled();
  const count = await ui.files.count();
  await ui.exportButton.click();
  await expect(ui.dialog).toHaveCount(0);
  await expect(
    page.getByText(
      `Exported sales-report: ${count} files written, 0 unchanged.`
    )
  ).toBeVisible();
  expect(
    await page.contents.fileExists(`${tmpPath}/sales_report/pyproject.toml`)
  ).toBe(true);
  expect(
    await page.contents.fileExists(
      `${tmpPath}/sales_report/src/sales_report/pipeline.py`
    )
  ).toBe(true);
  await page.sidebar.openTab('filebrowser');
  await expect(
    page.locator('.jp-DirListing-item .jp-DirListing-itemText', {
      hasText: 'sales_report'
    })
  ).not.toHaveCount(0);
  await page.sidebar.close('left');

  // Again, from File > Save and Export Notebook As: everything is unchanged.
  await page.menu.clickMenuItem(
    'File>Save and Export Notebook As>Export as Package'
  );
  await previewed(page);
  await expect(ui.files).toHaveCount(count);
  await expect(
    ui.dialog.locator('.readiness-export-file:not([data-status="unchanged"])')
  ).toHaveCount(0);
  await ui.exportButton.click();
  await expect(ui.dialog).toHaveCount(0);
  await expect(
    page.getByText(
      `Exported sales-report: 0 files written, ${count} unchanged.`
    )
  ).toBeVisible();

  // A generated file edited since: a conflict, which Export leaves as it is.
  const readme = `${tmpPath}/sales_report/README.md`;
  await page.contents.uploadContent('# My own notes\n', 'text', readme);
  await startCommand(page, EXPORT);
  await previewed(page);
  await expect(ui.file('README.md')).toHaveAttribute('data-status', 'conflict');
  await expect(ui.dialog.locator('.readiness-export-conflicts')).toContainText(
    'README.md'
  );
  await expect(ui.exportButton).toBeEnabled();
  await ui.exportButton.click();
  await expect(ui.dialog).toHaveCount(0);
  await expect(
    page.getByText(
      'Export as package left 1 conflicting file as it is: README.md'
    )
  ).toBeVisible();
  const response = await page.request.get(
    `/api/contents/${readme}?type=file&format=text&content=1`
  );
  expect((await response.json()).content).toBe('# My own notes\n');
});

test('hidden state blocks the export', async ({ page, tmpPath }) => {
  await openNotebook(
    page,
    tmpPath,
    'hidden.ipynb',
    notebook([
      code('rows = [1, 2, 3]', null, 'c0'),
      code('print(undefined_total)', null, 'c1')
    ])
  );
  // The export asks the kernel for the pins: once it is up.
  await waitForKernelIdle(page);
  await startCommand(page, EXPORT);
  const ui = exportDialog(page);
  await previewed(page);
  await expect(ui.dialog.locator('.readiness-export-refused')).toBeVisible();
  await expect(ui.blocking).not.toHaveCount(0);
  const row = ui.blocking.filter({ hasText: 'undefined_total' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('cell 2');
  await expect(ui.files).toHaveCount(0);
  await expect(ui.exportButton).toBeDisabled();
  await ui.cancel.click();
  await expect(ui.dialog).toHaveCount(0);
  expect(
    await page.contents.fileExists(`${tmpPath}/hidden/pyproject.toml`)
  ).toBe(false);
});

test('the File menu lists it under Save and Export Notebook As', async ({
  page,
  tmpPath
}) => {
  // Disabled without a notebook.
  expect(
    await page.evaluate(id => window.jupyterapp.commands.isEnabled(id), EXPORT)
  ).toBe(false);
  await openNotebook(
    page,
    tmpPath,
    'menu.ipynb',
    notebook([code('x = 1', null, 'c0')])
  );
  await page.menu.open('File');
  await page
    .locator('.lm-Menu-item', { hasText: 'Save and Export Notebook As' })
    .hover();
  const item = page.locator('#jp-mainmenu-file-notebookexport .lm-Menu-item', {
    hasText: 'Export as Package'
  });
  await expect(item).toHaveCount(1);
  await expect(item).not.toHaveClass(/lm-mod-disabled/);
  await page.keyboard.press('Escape');
});

test("a team's template and a contact change the preview", async ({
  page,
  tmpPath
}) => {
  await page.contents.createDirectory(`${tmpPath}/team`);
  await page.contents.uploadContent(
    'package:\n  type: str\ncontact:\n  type: str\n  default: ""\n',
    'text',
    `${tmpPath}/team/copier.yml`
  );
  await page.contents.uploadContent(
    '# {{ package }}\n\nOwned by: {{ contact }}\n',
    'text',
    `${tmpPath}/team/README.md.jinja`
  );
  await openNotebook(page, tmpPath, 'team_report.ipynb', SALES);
  await waitForKernelIdle(page);
  await startCommand(page, EXPORT);
  const ui = exportDialog(page);
  const template = ui.dialog.locator('input[name="export-template"]');
  const contact = ui.dialog.locator('input[name="export-contact"]');
  await previewed(page);
  await expect(ui.file('Dockerfile')).toHaveCount(1);

  // A folder that is no template: the server says why, Export is disabled.
  await template.fill(`${tmpPath}/nowhere`);
  await previewed(page, 'error');
  await expect(ui.error).toContainText('template folder does not exist');
  await expect(ui.error).not.toContainText('nowhere');
  await expect(ui.exportButton).toBeDisabled();

  // The team's template: its scaffolding, the computed modules, the answers.
  await template.fill(`${tmpPath}/team`);
  await contact.fill('ana@example.com');
  await previewed(page);
  await expect(ui.file('Dockerfile')).toHaveCount(0);
  await expect(ui.file('.copier-answers.yml')).toHaveCount(1);
  await expect(ui.file('src/team_report/pipeline.py')).toHaveCount(1);
  await ui.file('README.md').click();
  await expect(ui.text).toContainText('Owned by: ana@example.com');
  await ui.exportButton.click();
  await expect(ui.dialog).toHaveCount(0);
  await expect(
    page.getByText(/Exported team-report: \d+ files written/)
  ).toBeVisible();
  const answers = await page.request.get(
    `/api/contents/${tmpPath}/team_report/.copier-answers.yml?type=file&format=text&content=1`
  );
  expect((await answers.json()).content).toContain('_src_path: ../team');
});
