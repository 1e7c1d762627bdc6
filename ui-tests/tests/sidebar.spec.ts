import { expect, test } from '@jupyterlab/galata';
import type { NotebookPanel } from '@jupyterlab/notebook';

import { finding, openNotebook, ORDERING, PANEL } from './helpers';

test.use({ autoGoto: true });

test.describe('Readiness sidebar', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await openNotebook(page, tmpPath, 'ordering.ipynb', ORDERING);
  });

  test('lists the findings with their check and cell', async ({ page }) => {
    await expect(
      page.locator(finding('out-of-order-execution', 1))
    ).toHaveCount(1);
    await expect(page.locator(finding('wall-clock', 3))).toHaveCount(1);
    await expect(page.locator(finding('wall-clock', 3))).toContainText(
      'datetime.now'
    );
    // The checklist heads the findings, which are grouped by severity.
    await expect(page.locator(`${PANEL} .readiness-item`)).toHaveCount(7);
    await expect(
      page.locator(`${PANEL} .readiness-group[data-severity="warning"]`)
    ).toContainText('datetime.now');
  });

  test('clicking a finding activates its cell at its line', async ({
    page
  }) => {
    const row = page.locator(finding('wall-clock', 3));
    await row.click();
    await expect
      .poll(() =>
        page.evaluate(() => {
          const notebook = (
            window.jupyterapp.shell.currentWidget as NotebookPanel
          ).content;
          return {
            active: notebook.activeCellIndex,
            line: notebook.activeCell!.editor!.getCursorPosition().line
          };
        })
      )
      .toEqual({ active: 3, line: 1 });
    await expect(page.locator('.jp-Notebook .jp-Cell').nth(3)).toHaveClass(
      /jp-mod-active/
    );
    // The jump focuses the cell's editor asynchronously: wait for it, or that focus could land
    // after the row's below and Enter would type into the cell instead.
    await expect(
      page.locator('.jp-Notebook .jp-Cell').nth(3).locator('.cm-editor')
    ).toHaveClass(/cm-focused/);

    // Keyboard: rows are focusable and Enter follows them too.
    const keyboardRow = page.locator(finding('out-of-order-execution', 1));
    await keyboardRow.focus();
    await expect(keyboardRow).toBeFocused();
    await page.keyboard.press('Enter');
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (window.jupyterapp.shell.currentWidget as NotebookPanel).content
              .activeCellIndex
        )
      )
      .toBe(1);
  });

  test('fixing a cell removes its finding and its marker', async ({ page }) => {
    const cell = page.locator('.jp-Notebook .jp-Cell').nth(3);
    await expect(cell).toHaveClass(/readiness-cell-flag/);
    await expect(cell).toHaveAttribute('data-readiness-severity', 'warning');
    await expect(cell.locator('.readiness-cell-badge')).toHaveAttribute(
      'title',
      /datetime\.now/
    );

    await page.notebook.setCell(
      3,
      'code',
      'from datetime import datetime\nstamp = datetime(2024, 1, 31)'
    );

    await expect(page.locator(finding('wall-clock'))).toHaveCount(0);
    await expect(cell).not.toHaveClass(/readiness-cell-flag/);
    await expect(cell).not.toHaveAttribute('data-readiness-severity', /.*/);
    await expect(cell.locator('.readiness-cell-badge')).toHaveCount(0);
    // The other finding, and its marker, stay.
    await expect(
      page.locator(finding('out-of-order-execution', 1))
    ).toHaveCount(1);
    await expect(page.locator('.jp-Notebook .jp-Cell').nth(1)).toHaveClass(
      /readiness-cell-flag/
    );
  });

  test('the toolbar shows the band, the score and the verdict, and opens the sidebar', async ({
    page
  }) => {
    const item = page.locator(
      '.jp-NotebookPanel-toolbar .readiness-score-button'
    );
    // Warnings only: the band the CLI calls "needs attention"; nothing the default contract refuses.
    await expect(item).toHaveAttribute('data-readiness-band', 'attention');
    // The first check can run before the kernel has started (static checks only); its start
    // re-checks with the live checks, which can add a finding and move the score (a fresh CI
    // machine, slower to start the kernel, read 89 before that re-check and 84 after it). Read the
    // score once the live kernel has been checked: the toolbar must follow that re-check too.
    const panelScore = page.locator(`${PANEL} .readiness-score`);
    await expect(page.locator(`${PANEL} .readiness-kernel`)).toHaveAttribute(
      'data-kernel-status',
      'ok'
    );
    const score = await panelScore.textContent();
    await expect(item).toHaveAttribute('data-readiness-score', score!);
    expect(Number(score)).toBeGreaterThanOrEqual(0);
    await expect(item.locator('.jp-ToolbarButtonComponent-label')).toHaveText(
      `Needs attention · ${score}`
    );
    await expect(item).toHaveAttribute('data-readiness-verdict', 'ready');
    await expect(item.locator('.readiness-verdict-badge')).toHaveText('READY');
    await expect(item).toHaveClass(/readiness-level-warn/);

    await page.sidebar.close('right');
    await expect(page.locator(PANEL)).toBeHidden();
    await item.click();
    await expect(page.locator(PANEL)).toBeVisible();
  });
});

test.describe('Readiness settings', () => {
  test('disabledChecks and autoCheck apply live', async ({ page, tmpPath }) => {
    await openNotebook(page, tmpPath, 'ordering.ipynb', ORDERING);
    await expect(page.locator(finding('wall-clock', 3))).toHaveCount(1);
    const set = (key: string, value: string[] | boolean) =>
      page.evaluate(
        async ([key, value]) => {
          const registry = await window.galata.getPlugin(
            '@jupyterlab/apputils-extension:settings'
          );
          await registry!.set('jupyterlab-readiness:plugin', key, value);
        },
        [key, value] as const
      );

    // Turning a check off re-checks at once; its finding and marker go.
    await set('disabledChecks', ['wall-clock']);
    await expect(page.locator(finding('wall-clock'))).toHaveCount(0);
    await expect(page.locator('.jp-Notebook .jp-Cell').nth(3)).not.toHaveClass(
      /readiness-cell-flag/
    );
    await expect(
      page.locator(finding('out-of-order-execution', 1))
    ).toHaveCount(1);

    // With autoCheck off, edits are not checked; "Check now" still is.
    await set('disabledChecks', []);
    await expect(page.locator(finding('wall-clock', 3))).toHaveCount(1);
    await set('autoCheck', false);
    await page.notebook.setCell(
      2,
      'code',
      'y = x + 2\nimport time\nt = time.time()'
    );
    await page.waitForTimeout(1500); // longer than the 1000 ms typing delay
    await expect(page.locator(finding('wall-clock', 2))).toHaveCount(0);
    await page.locator(`${PANEL} .readiness-recheck`).click();
    await expect(page.locator(finding('wall-clock', 2))).toHaveCount(1);
  });
});
