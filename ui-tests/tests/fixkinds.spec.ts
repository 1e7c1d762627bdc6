import { expect, test } from '@jupyterlab/galata';

import { code, finding, notebook, openNotebook, PANEL } from './helpers';

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
