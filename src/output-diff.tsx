/**
 * The dialog with the outputs' diff behind an output-mismatch (saved output
 * against a fresh run) or a nondeterministic-output (run 1 against run 2).
 */
import { Dialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { OutputDiff } from './types';

/**
 * Show the outputs' diff behind an output-mismatch or nondeterministic-output.
 */
export async function showDiff(
  diff: OutputDiff,
  trans: TranslationBundle
): Promise<void> {
  const body = ReactWidget.create(
    <div className="jp-Readiness readiness-rehearse-diff-body">
      <p>
        {trans.__(
          'Cell %1: %2 against %3, after sanitising (addresses, ids, times and temporary paths do not count).',
          diff.cell_index,
          diff.before,
          diff.after
        )}
      </p>
      <pre className="readiness-diff readiness-rehearse-diff">
        {diff.diff.split('\n').map((line, i) => (
          <span
            key={i}
            className={`readiness-diff-line readiness-diff-${diffClass(line)}`}
          >
            {line}
          </span>
        ))}
      </pre>
    </div>
  );
  const dialog = new Dialog({
    title: trans.__('Output diff'),
    body,
    buttons: [Dialog.okButton({ label: trans.__('Close') })]
  });
  dialog.addClass('readiness-rehearse-diff-dialog');
  try {
    await dialog.launch();
  } catch {
    // disposed unanswered: nothing to do
  }
}

function diffClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) {
    return 'gap';
  }
  if (line.startsWith('+')) {
    return 'add';
  }
  if (line.startsWith('-')) {
    return 'remove';
  }
  return line.startsWith('@@') ? 'gap' : 'same';
}
