import * as fs from 'fs';
import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { finding, openNotebook, ORDERING, PANEL } from './helpers';

test.use({ autoGoto: true, viewport: { width: 1280, height: 800 } });

async function setTheme(
  page: IJupyterLabPageFixture,
  theme: string
): Promise<void> {
  await page.evaluate(
    theme =>
      window.jupyterapp.commands.execute('apputils:change-theme', {
        theme
      }),
    theme
  );
  await expect(page.locator('body')).toHaveAttribute(
    'data-jp-theme-name',
    theme
  );
}

/**
 * The colours the panel shows, next to the theme variables they come from.
 */
function colours(page: IJupyterLabPageFixture) {
  return page.evaluate(selector => {
    const probe = (variable: string) => {
      // Resolve a variable to the browser's rgb() form.
      const el = document.createElement('div');
      el.style.color = `var(${variable})`;
      document.body.appendChild(el);
      const value = getComputedStyle(el).color;
      el.remove();
      return value;
    };
    const panel = document.querySelector(selector)!;
    const message = panel.querySelector('.readiness-finding-message')!;
    return {
      background: getComputedStyle(panel).backgroundColor,
      text: getComputedStyle(message).color,
      layout1: probe('--jp-layout-color1'),
      font1: probe('--jp-ui-font-color1')
    };
  }, PANEL);
}

test('the sidebar follows the dark theme', async ({ page, tmpPath }) => {
  await openNotebook(page, tmpPath, 'ordering.ipynb', ORDERING);
  await expect(page.locator(finding('wall-clock', 3))).toBeVisible();
  const light = await colours(page);

  await setTheme(page, 'JupyterLab Dark');
  await expect(page.locator(finding('wall-clock', 3))).toBeVisible();
  const dark = await colours(page);

  // The panel's colours are the theme's, and they changed with it.
  expect(dark.text).toBe(dark.font1);
  expect(dark.background).toBe(dark.layout1);
  expect(dark.text).not.toBe(light.text);
  expect(dark.background).not.toBe(light.background);

  const shot = await page.locator(PANEL).screenshot();
  expect(shot.byteLength).toBeGreaterThan(1000);
  await setTheme(page, 'JupyterLab Light');
});

/**
 * Screenshots of the sidebar on a real notebook from ../shared/corpus (copied
 * into the test's folder at run time, never committed), light and dark. They
 * go to test-results/; with READINESS_DOCS_SCREENSHOTS=1 also to docs/.
 */
const CORPUS_NOTEBOOK = path.resolve(
  __dirname,
  '../../../shared/corpus/donnemartin__data-science-ipython-notebooks/kaggle__titanic.ipynb'
);

test('screenshots of the sidebar on a corpus notebook', async ({
  page,
  tmpPath
}) => {
  test.skip(
    !fs.existsSync(CORPUS_NOTEBOOK),
    `no corpus notebook at ${CORPUS_NOTEBOOK}`
  );
  await openNotebook(
    page,
    tmpPath,
    'titanic.ipynb',
    fs.readFileSync(CORPUS_NOTEBOOK, 'utf-8')
  );
  await page.sidebar.setWidth(420, 'right');
  await expect(
    page.locator(`${PANEL} .readiness-finding`).first()
  ).toBeVisible();
  await expect(page.locator(`${PANEL} [data-kernel-status="ok"]`)).toHaveCount(
    1
  );

  const targets = [path.resolve(__dirname, '..', 'test-results')];
  if (process.env.READINESS_DOCS_SCREENSHOTS) {
    targets.push(path.resolve(__dirname, '..', '..', 'docs'));
  }
  for (const [theme, name] of [
    ['JupyterLab Light', 'sidebar-light.png'],
    ['JupyterLab Dark', 'sidebar-dark.png']
  ]) {
    await setTheme(page, theme);
    const shot = await page.screenshot();
    for (const dir of targets) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, name), shot);
    }
  }
  await setTheme(page, 'JupyterLab Light');
});
