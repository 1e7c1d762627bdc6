/**
 * Playwright configuration for the Galata (JupyterLab UI) tests.
 *
 * Browsers are never downloaded here: the tests run on Debian's Chromium
 * (`apt-get install chromium` -> /usr/bin/chromium). Video and trace are off
 * because both need Playwright's own ffmpeg download.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const CHROMIUM = process.env.READINESS_CHROMIUM || '/usr/bin/chromium';

// The server's port (jupyter_server_test_config.py reads the same variable).
const PORT = process.env.READINESS_GALATA_PORT || '8888';

module.exports = {
  ...baseConfig,
  // print every test's result, on CI too (the base uses the terse 'github' one there)
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    baseURL: `http://localhost:${PORT}`,
    video: 'off',
    trace: 'off',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic'
      ]
    }
  },
  webServer: {
    command: 'jlpm start',
    url: `http://localhost:${PORT}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI
  }
};
