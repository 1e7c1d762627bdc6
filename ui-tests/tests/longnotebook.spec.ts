import { expect, galata, test } from '@jupyterlab/galata';
import type { NotebookPanel } from '@jupyterlab/notebook';

import { code, notebook, openNotebook } from './helpers';

test.use({ autoGoto: true });

const CELLS = 300;
const CLOCKS = [150, CELLS - 1];

/**
 * A long notebook: cell 1 draws unseeded random numbers, cells 151 and 300
 * read the clock (line 2), every other cell is six clean lines.
 */
const LONG = notebook(
  Array.from({ length: CELLS }, (_, i) => {
    if (i === 0) {
      return code('import random\nx = random.random()', null, 'c0');
    }
    if (CLOCKS.includes(i)) {
      return code(
        `from datetime import datetime\nstamp${i} = datetime.now()`,
        null,
        `c${i}`
      );
    }
    const lines = Array.from(
      { length: 6 },
      (_, k) => `v${i}_${k} = ${i} * ${k + 1}`
    );
    return code(lines.join('\n'), null, `c${i}`);
  })
);

/**
 * The marks' positions down the strip, in % of the notebook's height.
 */
function markTops(
  page: import('@playwright/test').Page,
  check: string
): Promise<number[]> {
  return page.evaluate(
    check =>
      [
        ...document.querySelectorAll<HTMLElement>(
          `.readiness-scroll-mark[data-check="${check}"]`
        )
      ].map(mark => parseFloat(mark.style.top)),
    check
  );
}

// JupyterLab's default windowing ('contentVisibility': every cell in the DOM,
// rendered when idle or scrolled to) and 'full' (only the cells in view are
// in the DOM).
for (const mode of ['contentVisibility', 'full']) {
  test.describe(`A ${CELLS}-cell notebook, windowing mode ${mode}`, () => {
    test.use({
      mockSettings: {
        ...galata.DEFAULT_SETTINGS,
        '@jupyterlab/notebook-extension:tracker': {
          ...galata.DEFAULT_SETTINGS['@jupyterlab/notebook-extension:tracker'],
          windowingMode: mode
        }
      }
    });

    test('every finding has its scrollbar mark; a cell scrolled into view gets its underline and hover card', async ({
      page,
      tmpPath
    }) => {
      // JupyterLab renders 300 cells when idle: slow on a loaded machine.
      test.slow();
      await openNotebook(page, tmpPath, 'long.ipynb', LONG);
      const strip = page.locator('.jp-NotebookPanel .readiness-scroll-marks');
      await expect(
        strip.locator('.readiness-scroll-mark[data-check="wall-clock"]')
      ).toHaveCount(CLOCKS.length);
      await expect(
        strip.locator('.readiness-scroll-mark[data-check="unseeded-random"]')
      ).toHaveCount(1);
      if (mode === 'full') {
        // The last cell is out of the DOM: its mark is placed from the list.
        expect(
          await page.evaluate(
            last =>
              (window.jupyterapp.shell.currentWidget as NotebookPanel).content
                .widgets[last].node.isConnected,
            CELLS - 1
          )
        ).toBe(false);
      }
      // In notebook order, at about their cells' place in the notebook.
      await expect
        .poll(async () => {
          const [middle, last] = await markTops(page, 'wall-clock');
          const [first] = await markTops(page, 'unseeded-random');
          return [
            first < 5,
            middle > 30 && middle < 70,
            last > 90,
            first,
            middle,
            last
          ];
        })
        .toEqual([
          true,
          true,
          true,
          expect.anything(),
          expect.anything(),
          expect.anything()
        ]);

      // JupyterLab renders the cells out of view when idle; the last one
      // may only be scrolled to once it is (contentVisibility attaches it
      // then), and it gets its underline then, from the report it missed.
      await page.waitForFunction(
        last =>
          !(
            window.jupyterapp.shell.currentWidget as NotebookPanel
          ).content.widgets[last].isPlaceholder(),
        CELLS - 1,
        { timeout: 60000 }
      );
      // Scrolled to (again while the list's estimate of the cells' heights
      // settles as it draws them).
      await expect
        .poll(
          () =>
            page.evaluate(async last => {
              const content = (
                window.jupyterapp.shell.currentWidget as NotebookPanel
              ).content;
              await content.scrollToItem(last, 'center');
              const node = content.widgets[last].node;
              const box = node.getBoundingClientRect();
              const view = content.outerNode.getBoundingClientRect();
              return (
                node.isConnected &&
                box.height > 0 &&
                box.bottom > view.top &&
                box.top < view.bottom
              );
            }, CELLS - 1),
          { timeout: 30000 }
        )
        .toBe(true);
      const underline = page.locator(
        `.jp-Cell[data-windowed-list-index="${CELLS - 1}"] .readiness-underline[data-check="wall-clock"]`
      );
      await expect(underline).toHaveText(`stamp${CELLS - 1} = datetime.now()`);
      await expect(underline).toBeInViewport();
      // Moved onto it as a pointer does (CodeMirror's hover waits for the
      // pointer to rest).
      const at = (await underline.boundingBox())!;
      await page.mouse.move(at.x - 40, at.y + at.height / 2);
      await page.mouse.move(at.x + 10, at.y + at.height / 2, { steps: 5 });
      const card = page.locator('.readiness-hover-card');
      await expect(card).toBeVisible();
      await expect(
        card.locator('.readiness-hover-finding[data-check="wall-clock"]')
      ).toHaveCount(1);
      // The marks stay one per finding once the cells are drawn.
      await expect(strip.locator('.readiness-scroll-mark')).toHaveCount(
        CLOCKS.length + 1
      );
    });
  });
}
