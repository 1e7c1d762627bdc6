import { expect, test } from '@jupyterlab/galata';
import type { NotebookPanel } from '@jupyterlab/notebook';

import { code, finding, notebook, openNotebook, PANEL } from './helpers';

test.use({ autoGoto: true });

/**
 * Cell 1 line 2 draws unseeded random numbers (its first fix seeds them),
 * cells 2 to 20 are clean filler so the notebook scrolls, cell 21 line 2
 * reads the clock.
 */
const MARKED = notebook([
  code('import random\nx = random.random()', null, 'c0'),
  ...Array.from({ length: 19 }, (_, i) =>
    code(`v${i} = ${i}\nw${i} = v${i} * 2\nu${i} = w${i} + 1`, null, `f${i}`)
  ),
  code('from datetime import datetime\nstamp = datetime.now()', null, 'c20')
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

async function cellCount(
  page: import('@playwright/test').Page
): Promise<number> {
  return page.evaluate(
    () =>
      (window.jupyterapp.shell.currentWidget as NotebookPanel).content.model!
        .cells.length
  );
}

test.describe('Readiness markers', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await openNotebook(page, tmpPath, 'marked.ipynb', MARKED);
    await expect(page.locator(finding('unseeded-random', 0))).toHaveCount(1);
  });

  test('the offending line is underlined and its hover card fixes it; one Ctrl+Z undoes the whole fix', async ({
    page
  }) => {
    const underline = page
      .locator('.jp-Cell')
      .nth(0)
      .locator('.readiness-underline[data-check="unseeded-random"]');
    await expect(underline).toHaveText('x = random.random()');
    await expect(underline).toHaveClass(/readiness-underline-warning/);

    await underline.hover();
    const card = page.locator('.readiness-hover-card');
    await expect(card).toBeVisible();
    await expect(
      card.locator('.readiness-hover-finding[data-check="unseeded-random"]')
    ).toContainText('random');
    await card.locator('.readiness-hover-fix[data-fix="seed-random"]').click();
    // The same preview as the sidebar's Fix button.
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.readiness-fix-preview')).toBeVisible();
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect.poll(() => cellSource(page, 0)).toContain('seed');
    await expect(page.locator(finding('unseeded-random'))).toHaveCount(0);
    await expect(
      page.locator('.readiness-underline[data-check="unseeded-random"]')
    ).toHaveCount(0);

    // The fix edited cell 1 and inserted a parameters cell above it: one
    // Ctrl+Z in the edited cell (now the 2nd) reverts both.
    await expect.poll(() => cellCount(page)).toBe(22);
    await expect.poll(() => cellSource(page, 1)).toContain('random');
    await page.locator('.jp-Cell').nth(1).locator('.cm-content').click();
    await page.keyboard.press('Control+z');
    await expect.poll(() => cellCount(page)).toBe(21);
    await expect
      .poll(() => cellSource(page, 0))
      .toBe('import random\nx = random.random()');
    await expect(page.locator(finding('unseeded-random', 0))).toHaveCount(1);
    await expect(
      page
        .locator('.jp-Cell')
        .nth(0)
        .locator('.readiness-underline[data-check="unseeded-random"]')
    ).toHaveCount(1);

    // Redo in the cell brings both back, and Z in command mode (the
    // notebook's undo) reverts both again.
    await page.locator('.jp-Cell').nth(0).locator('.cm-content').click();
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => cellCount(page)).toBe(22);
    await expect.poll(() => cellSource(page, 1)).toContain('seed');
    await page.keyboard.press('Escape');
    await page.keyboard.press('z');
    await expect.poll(() => cellCount(page)).toBe(21);
    await expect
      .poll(() => cellSource(page, 0))
      .toBe('import random\nx = random.random()');
  });

  test('the scrollbar has a mark per finding; a click jumps to it', async ({
    page
  }) => {
    const strip = page.locator('.jp-NotebookPanel .readiness-scroll-marks');
    const clock = strip.locator(
      '.readiness-scroll-mark[data-check="wall-clock"]'
    );
    const draw = strip.locator(
      '.readiness-scroll-mark[data-check="unseeded-random"]'
    );
    await expect(clock).toHaveCount(1);
    await expect(clock).toHaveAttribute('data-severity', 'warning');
    await expect(draw).toHaveCount(1);
    // In notebook order down the strip: the last cell's mark is the lowest.
    // (each report redraws the marks: read them afresh)
    const top = (check: string) =>
      page.evaluate(
        check =>
          parseFloat(
            document.querySelector<HTMLElement>(
              `.readiness-scroll-mark[data-check="${check}"]`
            )?.style.top ?? 'NaN'
          ),
        check
      );
    await expect
      .poll(
        async () => (await top('wall-clock')) - (await top('unseeded-random'))
      )
      .toBeGreaterThan(50);

    await clock.click();
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (window.jupyterapp.shell.currentWidget as NotebookPanel).content
              .activeCellIndex
        )
      )
      .toBe(20);
    await expect(
      page.locator('.jp-Cell').nth(20).locator('.readiness-underline')
    ).toBeInViewport();
    await expect(page.locator(PANEL)).toBeVisible();
  });
});
