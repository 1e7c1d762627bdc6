import { expect, test } from '@jupyterlab/galata';

test.use({ autoGoto: true });

test('commands, palette and the Readiness menu', async ({ page }) => {
  const commands = await page.evaluate(() => {
    const registry = window.jupyterapp.commands;
    return [
      'readiness:check',
      'readiness:open-panel',
      'readiness:freeze-env',
      'readiness:extract-to-module',
      'readiness:export-package',
      'readiness:rehearse'
    ].map(id => ({
      id,
      label: registry.label(id),
      enabled: registry.isEnabled(id),
      caption: registry.caption(id)
    }));
  });
  expect(commands.map(c => c.label)).toEqual([
    'Check Notebook Readiness',
    'Open Readiness Panel',
    'Freeze Environment',
    'Extract to Module',
    'Export as Package',
    'Rehearse Notebook'
  ]);
  expect(commands[1].enabled).toBe(true);
  // Freeze, Extract, Export and Rehearse work on a notebook (freeze.spec.ts,
  // extract.spec.ts, export.spec.ts, rehearse.spec.ts), and none is open here.
  for (const action of commands.slice(2, 6)) {
    expect(action.enabled).toBe(false);
    expect(action.caption).not.toMatch(/^Coming soon/);
  }

  // The main menu, from schema/plugin.json.
  await page.menu.open('Readiness');
  const menu = page.locator('#jp-mainmenu-readiness');
  // Four actions, a separator, Rehearse Notebook.
  await expect(menu.locator('.lm-Menu-item')).toHaveCount(6);
  await expect(
    menu.locator('.lm-Menu-item.lm-mod-disabled', {
      hasText: 'Freeze Environment'
    })
  ).toHaveCount(1);
  await page.keyboard.press('Escape');

  // The palette.
  await page.keyboard.press('Control+Shift+C');
  await page.locator('.lm-CommandPalette-input').fill('Readiness');
  await expect(
    page.locator('.lm-CommandPalette-item', { hasText: 'Open Readiness Panel' })
  ).toHaveCount(1);
  await expect(
    page.locator('.lm-CommandPalette-item', { hasText: 'Freeze Environment' })
  ).toHaveCount(1);
  await page
    .locator('.lm-CommandPalette-item', { hasText: 'Open Readiness Panel' })
    .click();
  await expect(page.locator('#readiness-panel')).toBeVisible();
  await expect(page.locator('#readiness-panel')).toContainText(
    'Open a notebook to check its readiness.'
  );
});
