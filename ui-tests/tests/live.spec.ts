import * as fs from 'fs';
import * as path from 'path';

import { expect, test } from '@jupyterlab/galata';

import {
  code,
  finding,
  notebook,
  openNotebook,
  waitForKernelIdle
} from './helpers';

test.use({ autoGoto: true });

/**
 * The page's window, where a run leaves the promise of its latency and kernel status.
 */
type LatencyWindow = typeof window & {
  readinessLatency: Promise<[number, string]>;
};

test('running a cell after editing another shows edited-since-run, with no waiver', async ({
  page,
  tmpPath
}) => {
  await openNotebook(
    page,
    tmpPath,
    'edited.ipynb',
    notebook([
      code('a = 1', null, 'c0'),
      code('b = a + 1', null, 'c1'),
      code('import time\nt = time.time()', null, 'c2')
    ])
  );
  await waitForKernelIdle(page);
  await page.notebook.runCell(0);
  await page.notebook.runCell(1);
  await expect(page.locator(finding('edited-since-run'))).toHaveCount(0);

  await page.notebook.setCell(0, 'code', 'a = 2');
  await page.notebook.runCell(1);

  await expect(page.locator(finding('edited-since-run', 0))).toHaveCount(1);
  await expect(
    page.locator('#readiness-panel [data-kernel-status="ok"]')
  ).toHaveCount(1);
  await expect(page.locator('.jp-Notebook .jp-Cell').nth(0)).toHaveClass(
    /readiness-cell-flag/
  );
  // The contract's verdict runs without the kernel: a live finding cannot be
  // waived there, a static one can.
  await expect(
    page.locator(`${finding('edited-since-run', 0)} .readiness-waive-button`)
  ).toHaveCount(0);
  await expect(
    page.locator(`${finding('wall-clock', 2)} .readiness-waive-button`)
  ).toHaveCount(1);
});

const SAMPLES = 6;

/**
 * Time from a cell's execution finishing (its prompt shows the execution
 * count, set from the kernel's reply) to the sidebar showing the finding that
 * execution produced (error-output: nothing in the source predicts it, so
 * only the post-execution check can find it). Measured in the page with
 * MutationObservers and performance.now(); the first run warms the kernel
 * and is not counted.
 */
test('sidebar latency after a cell finishes executing', async ({
  page,
  tmpPath
}) => {
  const cells = Array.from({ length: SAMPLES + 1 }, (_, i) =>
    code(`raise ValueError("sample ${i}")`, null, `c${i}`)
  );
  await openNotebook(page, tmpPath, 'latency.ipynb', notebook(cells));
  await waitForKernelIdle(page);
  await expect(
    page.locator('#readiness-panel [data-kernel-status="ok"]')
  ).toHaveCount(1);

  const samples: number[] = [];
  const kernelStatus: string[] = [];
  for (let index = 0; index <= SAMPLES; index++) {
    await page.evaluate(index => {
      const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[index];
      const prompt = cell.querySelector('.jp-InputPrompt')!;
      const panel = document.querySelector('#readiness-panel')!;
      const row = `.readiness-finding[data-check="error-output"][data-cell-index="${index}"]`;
      (window as LatencyWindow).readinessLatency = new Promise<
        [number, string]
      >(resolve => {
        let finished: number | undefined;
        const onPrompt = new MutationObserver(() => {
          if (
            finished === undefined &&
            /\[\d+\]/.test(prompt.textContent ?? '')
          ) {
            finished = performance.now();
          }
        });
        const onPanel = new MutationObserver(() => {
          if (finished !== undefined && panel.querySelector(row)) {
            const shown = performance.now();
            onPrompt.disconnect();
            onPanel.disconnect();
            const kernel = panel.querySelector('[data-kernel-status]');
            resolve([
              shown - finished,
              kernel?.getAttribute('data-kernel-status') ?? ''
            ]);
          }
        });
        onPrompt.observe(prompt, {
          childList: true,
          characterData: true,
          subtree: true
        });
        onPanel.observe(panel, {
          childList: true,
          subtree: true,
          attributes: true
        });
      });
    }, index);
    await page.notebook.runCell(index);
    const [latency, status] = await page.evaluate(
      () => (window as LatencyWindow).readinessLatency
    );
    if (index > 0) {
      samples.push(latency);
      kernelStatus.push(status);
    }
  }

  const sorted = [...samples].sort((a, b) => a - b);
  const median = (sorted[(SAMPLES - 1) >> 1] + sorted[SAMPLES >> 1]) / 2;
  const result = {
    what: 'ms from a cell execution finishing to the sidebar showing the finding it produced',
    samples_ms: samples.map(ms => Math.round(ms)),
    median_ms: Math.round(median),
    // "ok": the live kernel was probed within the measured time; "busy": it was skipped
    kernel_status: kernelStatus,
    target_ms: 500
  };
  console.log(`readiness latency: ${JSON.stringify(result)}`);
  const out = path.resolve(__dirname, '..', 'test-results', 'latency.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  expect(samples).toHaveLength(SAMPLES);
  // The 500 ms target is reported, not asserted: a loaded 2-core CI runner must not flake.
  expect(median).toBeLessThan(2000);
});
