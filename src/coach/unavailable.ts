/**
 * Why a command a fix names is disabled (it exists but cannot run now), in
 * words the sidebar and the hover card show next to the disabled button.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';

import { notPythonReason } from '../language';

/**
 * The commands that only work on a Python notebook (src/commands.ts).
 */
const PYTHON_ONLY = new Set([
  'readiness:freeze-env',
  'readiness:extract-to-module',
  'readiness:export-package'
]);

export function whyUnavailable(
  command: string,
  panel: NotebookPanel,
  trans: TranslationBundle
): string {
  const language = PYTHON_ONLY.has(command)
    ? notPythonReason(panel, trans)
    : null;
  if (language) {
    return language;
  }
  return command === 'readiness:extract-to-module'
    ? trans.__('select the code cells to extract first')
    : trans.__('make the notebook the current document first');
}
