/**
 * Cells named as JupyterLab numbers them: from 1 over all cells, as the
 * status bar does, with the execution count the prompt shows (`cell 49 [13]`).
 * The contract's `cell_index` stays 0-based; only what the user reads changes.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { Finding } from '../types';

export function cellName(
  index: number,
  executionCount: number | null,
  trans: TranslationBundle
): string {
  return executionCount === null
    ? trans.__('cell %1', index + 1)
    : trans.__('cell %1 [%2]', index + 1, executionCount);
}

/**
 * Where a finding is: `notebook`, `cell 3 [2], line 4`, or for a finding in a
 * local module the notebook imports, `helpers.py:12 (cell 3 [2])`.
 */
export function findingPlace(
  finding: Finding,
  trans: TranslationBundle
): string {
  if (finding.cell_index === null) {
    return trans.__('notebook');
  }
  const cell = cellName(finding.cell_index, finding.execution_count, trans);
  if (finding.file !== null) {
    return finding.file_line === null
      ? trans.__('%1 (%2)', finding.file, cell)
      : trans.__('%1:%2 (%3)', finding.file, finding.file_line, cell);
  }
  return finding.line === null
    ? cell
    : trans.__('%1, line %2', cell, finding.line);
}
