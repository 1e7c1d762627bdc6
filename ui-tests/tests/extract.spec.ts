import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { NotebookPanel } from '@jupyterlab/notebook';

import {
  code,
  markdown,
  notebook,
  openNotebook,
  waitForKernelIdle
} from './helpers';

// Galata's kernels mock answers every proxied POST under /api/kernels with
// 201, and the client rejects a restart that does not answer 200: leave that
// API unmocked here (the sessions mock still shuts the kernels down).
test.use({ autoGoto: true, kernels: null });

const EXTRACT = 'readiness:extract-to-module';

/**
 * Cell 2 reads `raw` (cell 0) and defines `total` and `count`, which cell 3 reads;
 * the heading above it names the function.
 */
const SALES = notebook([
  code('raw = [1, 2, 3]', null, 'c0'),
  markdown('## Totals', 'm1'),
  code('total = sum(raw)\ncount = len(raw)', null, 'c2'),
  code('print(total / count)', null, 'c3')
]);

const ORIGINAL = [
  'raw = [1, 2, 3]',
  '## Totals',
  'total = sum(raw)\ncount = len(raw)',
  'print(total / count)'
];

async function cellSources(page: IJupyterLabPageFixture): Promise<string[]> {
  return page.evaluate(() =>
    (
      window.jupyterapp.shell.currentWidget as NotebookPanel
    ).content.model!.sharedModel.cells.map(cell => cell.getSource())
  );
}

async function extractFromContextMenu(
  page: IJupyterLabPageFixture,
  index: number
) {
  await page.notebook.selectCells(index);
  const cell = await page.notebook.getCellLocator(index);
  await cell!.locator('.jp-InputPrompt').click({ button: 'right' });
  const item = page.locator('.lm-Menu-item', { hasText: 'Extract to Module' });
  await expect(item).not.toHaveClass(/lm-mod-disabled/);
  await item.click();
}

test('extract to module writes the function and replaces the cells, undoably', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, 'sales_report.ipynb', SALES);
  await waitForKernelIdle(page);
  await page.notebook.run();
  expect(await page.notebook.getCellTextOutput(3)).toEqual(['2.0\n']);

  // In the palette, enabled on a code cell; disabled on the markdown cell.
  await page.notebook.selectCells(1);
  expect(
    await page.evaluate(id => window.jupyterapp.commands.isEnabled(id), EXTRACT)
  ).toBe(false);
  await page.notebook.selectCells(2);
  await page.keyboard.press('Control+Shift+C');
  await page.locator('.lm-CommandPalette-input').fill('Extract to Module');
  await expect(
    page.locator('.lm-CommandPalette-item:not(.lm-mod-disabled)', {
      hasText: 'Extract to Module'
    })
  ).toHaveCount(1);
  await page.keyboard.press('Escape');

  await extractFromContextMenu(page, 2);
  const dialog = page.locator('.readiness-extract-dialog');
  await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
    'Extract to module'
  );
  await expect(dialog.locator('.readiness-extract-body')).toHaveAttribute(
    'data-state',
    'ready'
  );
  await expect(dialog.locator('.readiness-extract-function')).toHaveValue(
    'totals'
  );
  await expect(dialog.locator('.readiness-extract-module')).toHaveValue(
    'sales_report'
  );
  await expect(dialog.locator('.readiness-extract-file')).toHaveAttribute(
    'data-file',
    `${tmpPath}/sales_report.py`
  );
  await expect(dialog.locator('.readiness-extract-module-text')).toContainText(
    'def totals(raw)'
  );
  await expect(dialog.locator('.readiness-extract-cell')).toHaveText(
    'from sales_report import totals\ntotal, count = totals(raw)'
  );
  await expect(dialog.locator('.readiness-extract-parameters')).toHaveText(
    'raw'
  );
  await expect(dialog.locator('.readiness-extract-returns')).toHaveText(
    'total, count'
  );

  // Editing a name previews again; back to the proposal before extracting.
  await dialog.locator('.readiness-extract-function').fill('compute_totals');
  await expect(dialog.locator('.readiness-extract-module-text')).toContainText(
    'def compute_totals(raw)'
  );
  await dialog.locator('.readiness-extract-function').fill('totals');
  await expect(dialog.locator('.readiness-extract-module-text')).toContainText(
    'def totals(raw)'
  );
  const extract = dialog.locator('.jp-Dialog-button.jp-mod-accept');
  await expect(extract).toHaveText('Extract');
  await expect(extract).toBeEnabled();
  await extract.click();
  await expect(dialog).toHaveCount(0);
  await expect(
    page.getByText('Extracted totals() into sales_report.py.')
  ).toBeVisible();

  // The module is in the server's folder, and the file browser lists it.
  const response = await page.request.get(
    `/api/contents/${tmpPath}/sales_report.py?type=file&format=text&content=1`
  );
  expect(response.status()).toBe(200);
  expect((await response.json()).content).toContain('def totals(raw)');
  await page.sidebar.openTab('filebrowser');
  await expect(
    page.locator('.jp-DirListing-item .jp-DirListing-itemText', {
      hasText: 'sales_report.py'
    })
  ).toHaveCount(1);
  await page.sidebar.close('left');

  // One cell replaces the selection, and the notebook still runs top to bottom.
  const extracted = ORIGINAL.slice();
  extracted[2] = 'from sales_report import totals\ntotal, count = totals(raw)';
  expect(await cellSources(page)).toEqual(extracted);
  expect(
    await page.evaluate(
      () =>
        (window.jupyterapp.shell.currentWidget as NotebookPanel).content
          .activeCellIndex
    )
  ).toBe(2);
  await page.menu.clickMenuItem('Kernel>Restart Kernel…');
  await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept').click();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  await waitForKernelIdle(page);
  await page.notebook.run();
  expect(await page.notebook.getCellTextOutput(3)).toEqual(['2.0\n']);

  // One undo (Z in command mode: notebook:undo-cell-action) restores the original cells.
  await page.notebook.selectCells(2);
  await page.keyboard.press('Escape');
  await page.keyboard.press('z');
  await expect.poll(() => cellSources(page)).toEqual(ORIGINAL);

  // Extracting again into the now existing module: the kernel may hold the old copy.
  await page.notebook.selectCells(2);
  await page.evaluate(id => {
    void window.jupyterapp.commands.execute(id);
  }, EXTRACT);
  await expect(dialog.locator('.readiness-extract-body')).toHaveAttribute(
    'data-state',
    'ready'
  );
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(
    page.getByText(
      'Updated sales_report.py with totals(). The kernel may hold an older copy: ' +
        'restart it or `importlib.reload` the module.'
    )
  ).toBeVisible();
  expect(await cellSources(page)).toEqual(extracted);
});

test('a refusal shows the reason and disables Extract', async ({
  page,
  tmpPath
}) => {
  await openNotebook(
    page,
    tmpPath,
    'hidden.ipynb',
    notebook([
      code('x = 1', null, 'c0'),
      code('y = x + never_defined', null, 'c1')
    ])
  );
  await extractFromContextMenu(page, 1);
  const dialog = page.locator('.readiness-extract-dialog');
  await expect(dialog.locator('.readiness-extract-body')).toHaveAttribute(
    'data-state',
    'error'
  );
  await expect(dialog.locator('.readiness-extract-error')).toContainText(
    'no cell above the selection defines it'
  );
  await expect(dialog.locator('.readiness-extract-error')).toContainText(
    'never_defined'
  );
  await expect(
    dialog.locator('.jp-Dialog-button.jp-mod-accept')
  ).toBeDisabled();
  await dialog.locator('.jp-Dialog-button.jp-mod-reject').click();
  await expect(dialog).toHaveCount(0);
  expect(await page.contents.fileExists(`${tmpPath}/hidden.py`)).toBe(false);
});

test('the sidebar offers Extract to module on an unpackaged-code finding', async ({
  page,
  tmpPath
}) => {
  // Fifteen top-level statements and not one function: the packaged-code item's finding.
  const statements = Array.from({ length: 15 }, (_, i) => `v${i} = ${i}`).join(
    '\n'
  );
  await openNotebook(
    page,
    tmpPath,
    'flat.ipynb',
    notebook([code(statements, null, 'c0'), code('print(v14)', null, 'c1')])
  );
  // The kernel's start re-checks the notebook and redraws the sidebar: act on
  // the sidebar once that check is in (a click during the redraw was lost).
  await expect(
    page.locator('#readiness-panel [data-kernel-status="ok"]')
  ).toHaveCount(1, { timeout: 30000 });
  await page.notebook.selectCells(0);
  const row = page.locator('#readiness-panel [data-check="unpackaged-code"]');
  await expect(row).toHaveCount(1);
  await row.locator('.readiness-extract-button').click();
  const dialog = page.locator('.readiness-extract-dialog');
  await expect(dialog.locator('.readiness-extract-body')).toHaveAttribute(
    'data-state',
    'ready'
  );
  // The first cell, as JupyterLab and the sidebar number cells (from 1).
  await expect(dialog.locator('.readiness-extract-cells')).toHaveText('Cell 1');
  await dialog.locator('.jp-Dialog-button.jp-mod-reject').click();
  await expect(dialog).toHaveCount(0);
});

test('a selection with a markdown cell extracts its code, keeps the markdown and offers to run the new cell', async ({
  page,
  tmpPath
}) => {
  await openNotebook(page, tmpPath, 'sales_report.ipynb', SALES);
  await waitForKernelIdle(page);
  await page.notebook.run();

  // The heading and the code below it, together.
  await page.notebook.selectCells(1, 2);
  expect(
    await page.evaluate(id => window.jupyterapp.commands.isEnabled(id), EXTRACT)
  ).toBe(true);
  await page.evaluate(id => {
    void window.jupyterapp.commands.execute(id);
  }, EXTRACT);
  const dialog = page.locator('.readiness-extract-dialog');
  await expect(dialog.locator('.readiness-extract-body')).toHaveAttribute(
    'data-state',
    'ready'
  );
  // The heading in the selection names the function, as one above it does.
  await expect(dialog.locator('.readiness-extract-function')).toHaveValue(
    'totals'
  );
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);
  await expect
    .poll(() => cellSources(page))
    .toEqual([
      'raw = [1, 2, 3]',
      '## Totals',
      'from sales_report import totals\ntotal, count = totals(raw)',
      'print(total / count)'
    ]);

  // The toast runs the new cell.
  await page
    .locator('.jp-toast-button', { hasText: 'Run the new cell' })
    .click();
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          (window.jupyterapp.shell.currentWidget as NotebookPanel).content
            .model!.sharedModel.cells[2].execution_count
      )
    )
    .toBeGreaterThan(0);
});

test('a selection that only defines names moves them as they are, with no function to name', async ({
  page,
  tmpPath
}) => {
  await openNotebook(
    page,
    tmpPath,
    'shapes.ipynb',
    notebook([
      code('import math', null, 'c0'),
      code(
        'RADIUS = 2\n\n\ndef area(r=RADIUS):\n    return math.pi * r**2',
        null,
        'c1'
      ),
      code('print(round(area(), 2))', null, 'c2')
    ])
  );
  await extractFromContextMenu(page, 1);
  const dialog = page.locator('.readiness-extract-dialog');
  await expect(dialog.locator('.readiness-extract-body')).toHaveAttribute(
    'data-state',
    'ready'
  );
  await expect(dialog.locator('.readiness-extract-definitions')).toHaveText(
    'Moves RADIUS, area to shapes.py; the cell imports them.'
  );
  await expect(dialog.locator('.readiness-extract-function')).toHaveCount(0);
  await expect(dialog.locator('.readiness-extract-signature')).toHaveCount(0);
  await expect(dialog.locator('.readiness-extract-module-text')).toContainText(
    'def area(r=RADIUS):\n    return math.pi * r**2'
  );
  await expect(dialog.locator('.readiness-extract-cell')).toHaveText(
    'from shapes import RADIUS, area'
  );

  // The module's name is still the user's to choose.
  await dialog.locator('.readiness-extract-module').fill('geometry');
  await expect(dialog.locator('.readiness-extract-definitions')).toHaveText(
    'Moves RADIUS, area to geometry.py; the cell imports them.'
  );
  await expect(dialog.locator('.readiness-extract-cell')).toHaveText(
    'from geometry import RADIUS, area'
  );
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);
  await expect(
    page.getByText('Extracted RADIUS, area into geometry.py.')
  ).toBeVisible();
  await expect
    .poll(() => cellSources(page))
    .toEqual([
      'import math',
      'from geometry import RADIUS, area',
      'print(round(area(), 2))'
    ]);
  const response = await page.request.get(
    `/api/contents/${tmpPath}/geometry.py?type=file&format=text&content=1`
  );
  const module = (await response.json()).content;
  expect(module).toContain(
    '\nimport math\n\nRADIUS = 2\n\n\ndef area(r=RADIUS):'
  );
  expect(module).not.toContain('def step');

  // The rewritten notebook runs top to bottom.
  await waitForKernelIdle(page);
  await page.notebook.run();
  expect(await page.notebook.getCellTextOutput(2)).toEqual(['12.57\n']);
});
