import { expect, test } from '@jupyterlab/galata';
import type { NotebookPanel } from '@jupyterlab/notebook';

import { code, finding, notebook, openNotebook, PANEL } from './helpers';

test.use({ autoGoto: true });

/**
 * Cell 1 draws unseeded random numbers (a safe fix seeds them), cell 2
 * prints (an unsafe fix logs instead), cell 3 does not parse (an error: the
 * default contract's "no finding above warning" is unmet), cell 4 is clean.
 */
const COACH = notebook([
  code('import random\nx = random.random()', null, 'c0'),
  code('print(x)', null, 'c1'),
  code('def broken(:\n    pass', null, 'c2'),
  code('y = 2', null, 'c3')
]);

async function cellSource(
  page: import('@playwright/test').Page,
  index: number
): Promise<string> {
  return page.evaluate(
    i =>
      (window.jupyterapp.shell.currentWidget as NotebookPanel).content
        .model!.cells.get(i)
        .sharedModel.getSource(),
    index
  );
}

/**
 * Change a cell's text in the notebook's model, as typing (or a collaborator) would.
 */
async function setCellSource(
  page: import('@playwright/test').Page,
  index: number,
  source: string
): Promise<void> {
  await page.evaluate(
    ([i, text]) =>
      (window.jupyterapp.shell.currentWidget as NotebookPanel).content
        .model!.cells.get(i as number)
        .sharedModel.setSource(text as string),
    [index, source]
  );
}

/**
 * Fix all safe's dialog, once it lists the seed fix.
 */
async function openFixAll(page: import('@playwright/test').Page) {
  await page.click(`${PANEL} .readiness-fix-all`);
  const dialog = page.locator('.jp-Dialog');
  await expect(
    dialog.locator('.readiness-fix-applied li[data-check="unseeded-random"]')
  ).toHaveCount(1);
  return dialog;
}

async function activeCell(
  page: import('@playwright/test').Page
): Promise<number> {
  return page.evaluate(
    () =>
      (window.jupyterapp.shell.currentWidget as NotebookPanel).content
        .activeCellIndex
  );
}

test.describe('Readiness coach', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await openNotebook(page, tmpPath, 'coach.ipynb', COACH);
    await expect(page.locator(finding('syntax-error', 2))).toHaveCount(1);
  });

  test('errors come first, cells are named as JupyterLab numbers them', async ({
    page
  }) => {
    const groups = page.locator(`${PANEL} .readiness-group`);
    await expect(groups.first()).toHaveAttribute('data-severity', 'error');
    await expect(groups.first()).toContainText('Fix first');
    await expect(
      page.locator(`${finding('syntax-error', 2)} .readiness-finding-where`)
    ).toHaveText('cell 3, line 1');
    await expect(
      page.locator(`${finding('unseeded-random', 0)} .readiness-finding-where`)
    ).toHaveText('cell 1, line 2');
    // The toolbar says what the CLI says: blocked, and by how many.
    const item = page.locator(
      '.jp-NotebookPanel-toolbar .readiness-score-button'
    );
    await expect(item).toHaveAttribute('data-readiness-band', 'blocked');
    await expect(item).toContainText('Blocked: 1 to fix first');

    // Filters: a severity, then a checklist item, then text.
    await page.click(
      `${PANEL} .readiness-filter-severity[data-severity="error"]`
    );
    await expect(page.locator(`${PANEL} .readiness-finding`)).toHaveCount(1);
    await page.click(
      `${PANEL} .readiness-filter-severity[data-severity="error"]`
    );
    await page.click(
      `${PANEL} .readiness-item[data-item="deterministic-inputs"] button`
    );
    await expect(page.locator(`${PANEL} .readiness-finding`)).toHaveCount(1);
    await expect(page.locator(finding('unseeded-random', 0))).toHaveCount(1);
    await page.click(
      `${PANEL} .readiness-item[data-item="deterministic-inputs"] button`
    );
    await page.fill(`${PANEL} .readiness-filter-text`, 'print');
    await expect(page.locator(`${PANEL} .readiness-finding`)).toHaveCount(1);
    await expect(page.locator(finding('print-logging', 1))).toHaveCount(1);
  });

  test('a fix from the sidebar edits the cell and its finding goes', async ({
    page
  }) => {
    await page.click(
      `${finding('unseeded-random', 0)} .readiness-fix-button[data-fix="seed-random"]`
    );
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.readiness-fix-preview')).toBeVisible();
    await expect(dialog.locator('.readiness-diff-add').first()).toBeVisible();
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect.poll(() => cellSource(page, 0)).toContain('seed');
    await expect(page.locator(finding('unseeded-random'))).toHaveCount(0);
    await expect(page.locator(`${PANEL} .readiness-changes`)).toContainText(
      '1 resolved'
    );

    // Ignore writes the suppression comment into the cell.
    await page.click(`${finding('print-logging')} .readiness-ignore-button`);
    await expect
      .poll(async () => {
        const sources = await Promise.all(
          [0, 1, 2, 3, 4].map(i => cellSource(page, i).catch(() => ''))
        );
        return sources.join('\n');
      })
      .toContain('# readiness: ignore[print-logging]');
    await expect(page.locator(finding('print-logging'))).toHaveCount(0);
  });

  test('a fix never undoes an edit made to its cell since the check', async ({
    page
  }) => {
    await page.click(
      `${finding('unseeded-random', 0)} .readiness-fix-button[data-fix="seed-random"]`
    );
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.readiness-fix-preview')).toBeVisible();
    // typed (or written by a collaborator) after the check that made the fix
    await setCellSource(
      page,
      0,
      'import random\nx = random.random()\nkept = 1'
    );
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect(page.locator('.jp-toast-message')).toContainText(
      'was edited since it was checked: nothing was changed'
    );
    expect(await cellSource(page, 0)).toBe(
      'import random\nx = random.random()\nkept = 1'
    );
    // the fresh check offers the fix again, made from the cell as it is now
    await page.click(
      `${finding('unseeded-random', 0)} .readiness-fix-button[data-fix="seed-random"]`
    );
    await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept').click();
    // (a parameters cell holding the seed is inserted above the draw)
    await expect.poll(() => cellSource(page, 1)).toContain('random.seed');
    expect(await cellSource(page, 1)).toContain('kept = 1');
  });

  test('fix all safe keeps what was typed in other cells while its dialog was open', async ({
    page
  }) => {
    const dialog = await openFixAll(page);
    await setCellSource(page, 3, 'y = 3');
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect.poll(() => cellSource(page, 1)).toContain('random.seed');
    // the last cell (4 once the parameters cell is inserted) keeps its edit
    expect(await cellSource(page, 4)).toBe('y = 3');
  });

  test('fix all safe applies the safe fixes only, after a preview; one undo reverts it', async ({
    page
  }) => {
    const dialog = await openFixAll(page);
    await expect(
      dialog.locator('.readiness-fix-applied li[data-check="print-logging"]')
    ).toHaveCount(0);
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    // The safe fix inserted a tagged parameters cell above the draw and seeded it.
    await expect.poll(() => cellSource(page, 1)).toContain('random.seed');
    await expect(page.locator(finding('unseeded-random'))).toHaveCount(0);
    // The unsafe print → logging fix is left for the author to review.
    await expect(page.locator(finding('print-logging'))).toHaveCount(1);

    // One Ctrl+Z in the seeded cell reverts all of Fix all: the edit and the
    // inserted parameters cell.
    await page.locator('.jp-Cell').nth(1).locator('.cm-content').click();
    await page.keyboard.press('Control+z');
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (window.jupyterapp.shell.currentWidget as NotebookPanel).content
              .model!.cells.length
        )
      )
      .toBe(4);
    await expect
      .poll(() => cellSource(page, 0))
      .toBe('import random\nx = random.random()');
    await expect(page.locator(finding('unseeded-random', 0))).toHaveCount(1);
  });

  test('opened from the palette, the sidebar takes the focus; each check says why once per group', async ({
    page
  }) => {
    await page.notebook.selectCells(3);
    await page.keyboard.press('Control+Shift+C');
    await page.keyboard.type('Open Readiness Panel');
    await page.keyboard.press('Enter');
    await expect
      .poll(() =>
        page.evaluate(() =>
          document.activeElement?.classList.contains('readiness-finding')
        )
      )
      .toBe(true);
    // The keyboard carries on from there: the arrows move between findings.
    await page.keyboard.press('ArrowDown');
    await expect(
      page.locator(`${PANEL} .readiness-finding`).nth(1)
    ).toBeFocused();

    const rationale = page.locator(
      `${PANEL} .readiness-group[data-severity="error"] .readiness-rationale`
    );
    await expect(rationale).toHaveCount(1);
    await expect(rationale).toHaveAttribute(
      'data-rationale-of',
      'syntax-error'
    );
    await expect(rationale).not.toBeEmpty();
  });

  test('F8 and Shift F8 move between findings', async ({ page }) => {
    await page.notebook.selectCells(0);
    await page.keyboard.press('Escape');
    await page.keyboard.press('F8');
    await expect.poll(() => activeCell(page)).toBe(1);
    await page.keyboard.press('F8');
    await expect.poll(() => activeCell(page)).toBe(2);
    await page.keyboard.press('Shift+F8');
    await expect.poll(() => activeCell(page)).toBe(1);

    // A cell's badge opens its finding in the sidebar.
    await page
      .locator('.jp-Notebook .jp-Cell')
      .nth(2)
      .locator('.readiness-cell-badge')
      .click();
    await expect(page.locator(finding('syntax-error', 2))).toBeFocused();
  });

  test('an invalid contract gives no verdict, and says why', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(
      'min-score = "ninety"\n',
      'text',
      `${tmpPath}/readiness-contract.toml`
    );
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('readiness:check')
    );
    const verdict = page.locator(`${PANEL} .readiness-verdict`);
    await expect(verdict).toContainText(
      /Cannot be judged: invalid contract: \S*readiness-contract\.toml:1: min-score/
    );
    const item = page.locator(
      '.jp-NotebookPanel-toolbar .readiness-score-button'
    );
    await expect(item).toContainText('NO VERDICT');
    await expect(item).toHaveAttribute('data-readiness-verdict', 'not-ready');
  });

  test('the verdict heads the sidebar and a waiver from it makes the notebook ready', async ({
    page,
    tmpPath
  }) => {
    const verdict = page.locator(`${PANEL} .readiness-verdict`);
    await expect(verdict).toHaveAttribute(
      'data-readiness-verdict',
      'not-ready'
    );
    await expect(verdict).toContainText('Not ready: 1 of 3 clauses unmet');
    const clause = verdict.locator('.readiness-clause-unmet');
    await expect(clause).toHaveCount(1);
    await expect(
      clause.locator('.readiness-clause-finding[data-check="syntax-error"]')
    ).toHaveCount(1);
    const item = page.locator(
      '.jp-NotebookPanel-toolbar .readiness-score-button'
    );
    await expect(item).toHaveAttribute('data-readiness-verdict', 'not-ready');
    await expect(item).toContainText('NOT READY');

    await clause.locator('.readiness-waive-button').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.readiness-waive')).toBeVisible();
    const waive = dialog.locator('.jp-Dialog-button.jp-mod-accept');
    await expect(waive).toBeDisabled();
    await dialog
      .locator('.readiness-waive-reason')
      .fill('Kept to show the parser error in the tutorial');
    await dialog.locator('.readiness-waive-expires').fill('2099-12-31');
    const preview = dialog.locator('.readiness-waive-preview');
    await expect(preview).toHaveAttribute(
      'data-file',
      /readiness-contract\.toml$/
    );
    await expect(preview.locator('.readiness-diff-add')).toContainText([
      /syntax-error/
    ]);
    await expect(waive).toBeEnabled();
    await waive.click();

    await expect(verdict).toHaveAttribute('data-readiness-verdict', 'ready');
    await expect(verdict).toContainText('Ready for handoff');
    await expect(item).toHaveAttribute('data-readiness-verdict', 'ready');
    expect(
      await page.contents.fileExists(`${tmpPath}/readiness-contract.toml`)
    ).toBe(true);
  });
});
