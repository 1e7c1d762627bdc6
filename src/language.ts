/**
 * The notebook's language, for the actions that only work on Python: Freeze,
 * Extract and Export are disabled on an R or Julia notebook, their label
 * saying why, rather than opening a dialog that then refuses.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';

/**
 * The language the notebook's metadata names (the kernel's `language_info`,
 * else the kernelspec's), or null when it names none.
 */
export function notebookLanguage(panel: NotebookPanel): string | null {
  const model = panel.model;
  if (!model) {
    return null;
  }
  const info = model.getMetadata('language_info') as
    { name?: unknown } | undefined;
  const spec = model.getMetadata('kernelspec') as
    { language?: unknown } | undefined;
  const name = info?.name ?? spec?.language;
  return typeof name === 'string' && name !== '' ? name : null;
}

/**
 * Why a Python-only action cannot help this notebook, or null when it can
 * (a notebook that names no language is given the benefit of the doubt: the
 * server still refuses what it cannot read).
 */
export function notPythonReason(
  panel: NotebookPanel | null,
  trans: TranslationBundle
): string | null {
  const language = panel ? notebookLanguage(panel) : null;
  if (language === null || language.toLowerCase() === 'python') {
    return null;
  }
  return trans.__('works on Python notebooks; this one runs %1', language);
}
