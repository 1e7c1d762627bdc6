import { execFileSync } from 'child_process';

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
 * One finding of each kind that has an edit fix, each in its own cell.
 */
const KINDS = notebook([
  code('from datetime import datetime\nstamp = datetime.now()', null, 'c0'),
  code("path = '/home/alice/data.csv'", null, 'c1'),
  code("with open('out.txt', 'a') as f:\n    f.write('x')", null, 'c2'),
  {
    ...code('1 / 0', 1, 'c3'),
    outputs: [
      {
        output_type: 'error',
        ename: 'ZeroDivisionError',
        evalue: 'division by zero',
        traceback: ['ZeroDivisionError: division by zero']
      }
    ]
  },
  code('import random\nx = random.random()', null, 'c4')
]);

for (const check of [
  'wall-clock',
  'absolute-path',
  'append-write',
  'error-output',
  'unseeded-random'
]) {
  test(`${check}: the first fix applies and the finding goes`, async ({
    page,
    tmpPath
  }) => {
    await openNotebook(page, tmpPath, 'kinds.ipynb', KINDS);
    const row = page.locator(finding(check));
    await expect(row).toHaveCount(1);
    const fix = row.locator('.readiness-fix-button').first();
    await expect(fix).toBeVisible();
    await fix.click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.readiness-fix-preview')).toBeVisible();
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect(row).toHaveCount(0);
    // The other kinds are still there: the fix touched its own finding only.
    await expect(page.locator(`${PANEL} .readiness-finding`)).not.toHaveCount(
      0
    );
  });
}

/**
 * A cell's source in the live notebook.
 */
function cellSource(page: IJupyterLabPageFixture, index: number) {
  return page.evaluate(
    i =>
      (window.jupyterapp.shell.currentWidget as NotebookPanel).content
        .model!.cells.get(i)
        .sharedModel.getSource(),
    index
  );
}

/**
 * Click the finding's fix `id`, check the preview says `safety`, apply it.
 */
async function applyFix(
  page: IJupyterLabPageFixture,
  row: string,
  id: string,
  safety: 'safe' | 'unsafe'
): Promise<void> {
  await page.locator(`${row} .readiness-fix-button[data-fix="${id}"]`).click();
  const dialog = page.locator('.jp-Dialog');
  await expect(
    dialog.locator(`.readiness-fix-safety.readiness-fix-${safety}`)
  ).toBeVisible();
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);
}

// A GitHub token's shape (not a real one).
const TOKEN = 'ghp_' + 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5';

test('hardcoded-secret: the value is read from the environment and never saved', async ({
  page,
  tmpPath
}) => {
  await openNotebook(
    page,
    tmpPath,
    'secret.ipynb',
    notebook([
      code(`token = "${TOKEN}"\nheaders = {"Authorization": token}`, null, 'c0')
    ])
  );
  const row = finding('hardcoded-secret', 0);
  await expect(page.locator(row)).toHaveCount(1);
  await page
    .locator(`${row} .readiness-fix-button[data-fix="secret-from-environment"]`)
    .click();
  const dialog = page.locator('.jp-Dialog');
  // The reminder to rotate the secret; the value is not in the note.
  await expect(dialog.locator('.readiness-fix-note')).toContainText('revoke');
  await expect(dialog.locator('.readiness-fix-note')).not.toContainText(TOKEN);
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect
    .poll(() => cellSource(page, 0))
    .toBe(
      'import os\ntoken = os.environ["TOKEN"]\nheaders = {"Authorization": token}'
    );
  await expect(page.locator(finding('hardcoded-secret'))).toHaveCount(0);
  // Nowhere on the page (the sidebar, a marker, a card) either.
  expect(await page.content()).not.toContain(TOKEN);

  await page.notebook.save();
  const saved = await page.request.get(
    `/api/contents/${tmpPath}/secret.ipynb?type=file&format=text&content=1`
  );
  const text = ((await saved.json()) as { content: string }).content;
  expect(text).toContain('os.environ[\\"TOKEN\\"]');
  expect(text).not.toContain(TOKEN);
});

test("unpinned-install: the install is pinned to the kernel's version", async ({
  page,
  tmpPath
}) => {
  // The kernel runs this Python (the server's python3 kernel spec).
  const version = execFileSync('python', [
    '-c',
    "import importlib.metadata as m; print(m.version('nbformat'))"
  ])
    .toString()
    .trim();
  await openNotebook(
    page,
    tmpPath,
    'install.ipynb',
    notebook([code('%pip install nbformat\nimport nbformat', null, 'c0')])
  );
  await waitForKernelIdle(page);
  const row = finding('unpinned-install', 0);
  await expect(page.locator(row)).toHaveCount(1);
  await applyFix(page, row, 'pin-install', 'safe');
  await expect
    .poll(() => cellSource(page, 0))
    .toBe(`%pip install nbformat==${version}\nimport nbformat`);
  await expect(page.locator(finding('unpinned-install'))).toHaveCount(0);
});

test('hidden-state: the deleted definition comes back from the kernel history, above its first use', async ({
  page,
  tmpPath
}) => {
  await openNotebook(
    page,
    tmpPath,
    'deleted.ipynb',
    notebook([
      code('base = 41', null, 'c0'),
      code('answer = base + 1\nanswer', null, 'c1')
    ])
  );
  await waitForKernelIdle(page);
  await page.notebook.runCell(0);
  await page.notebook.runCell(1);
  await expect(page.locator(finding('hidden-state'))).toHaveCount(0);
  // Deleted after it ran: `base` now lives only in the kernel.
  await page.evaluate(() =>
    (
      window.jupyterapp.shell.currentWidget as NotebookPanel
    ).content.model!.sharedModel.deleteCell(0)
  );
  const row = finding('hidden-state', 0);
  await expect(page.locator(row)).toHaveCount(1);
  await expect(page.locator(finding('kernel-only-state'))).toHaveCount(1);
  const count = () =>
    page.evaluate(
      () =>
        (window.jupyterapp.shell.currentWidget as NotebookPanel).content.model!
          .cells.length
    );
  // (running the last cell added an empty one below it)
  const before = await count();
  await applyFix(page, row, 'restore-definition', 'unsafe');
  await expect.poll(count).toBe(before + 1);
  expect(await cellSource(page, 0)).toBe('base = 41');
  expect(await cellSource(page, 1)).toBe('answer = base + 1\nanswer');
  await expect(page.locator(finding('hidden-state'))).toHaveCount(0);
  await expect(page.locator(finding('kernel-only-state'))).toHaveCount(0);
});

test('print-logging: the prints become log calls with the same text', async ({
  page,
  tmpPath
}) => {
  await openNotebook(
    page,
    tmpPath,
    'prints.ipynb',
    notebook([code("total = 3\nprint('total', total)", null, 'c0')])
  );
  const row = finding('print-logging', 0);
  await expect(page.locator(row)).toHaveCount(1);
  await applyFix(page, row, 'print-to-logging', 'unsafe');
  await expect(page.locator(finding('print-logging'))).toHaveCount(0);
  const sources = await page.evaluate(() =>
    (
      window.jupyterapp.shell.currentWidget as NotebookPanel
    ).content.model!.sharedModel.cells.map(c => c.getSource())
  );
  expect(sources.join('\n')).toContain('logging');
  expect(sources.join('\n')).not.toContain('print(');
});
