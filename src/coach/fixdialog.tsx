/**
 * Fix a finding: preview the fix's cell edits as diffs (with what an unsafe
 * fix may change), then apply them to the live notebook.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { DiffView } from '../diffview';
import type { IReadiness } from '../tokens';
import type { Fix } from '../types';
import {
  applyPlan,
  EditedSinceError,
  IEditPlan,
  planEdits,
  StaleFixError
} from './edits';
import { cellName } from './where';

/**
 * The plan of `fixes` on the live notebook, or null (and a notification) when
 * the notebook changed under them.
 */
function planOrExplain(
  panel: NotebookPanel,
  fixes: Fix[],
  readiness: IReadiness,
  trans: TranslationBundle
): IEditPlan | null {
  try {
    return planEdits(panel, fixes, readiness.sourcesOf(fixes[0]));
  } catch (error) {
    if (!(error instanceof StaleFixError)) {
      throw error;
    }
    Notification.warning(
      error instanceof EditedSinceError
        ? trans.__(
            'The cell this fix edits was edited since it was checked: nothing was changed, fresh fixes are on their way.'
          )
        : trans.__(
            'The cell this fix edits is no longer in the notebook: check again for fresh fixes.'
          ),
      { autoClose: 5000 }
    );
    if (error instanceof EditedSinceError) {
      void readiness.check(panel);
    }
    return null;
  }
}

/**
 * Apply the fix now (the ignore comment: nothing to review).
 */
export async function applyFixNow(
  panel: NotebookPanel,
  fix: Fix,
  readiness: IReadiness,
  trans: TranslationBundle
): Promise<void> {
  const plan = planOrExplain(panel, [fix], readiness, trans);
  if (plan) {
    applyPlan(panel, plan);
    await readiness.check(panel);
  }
}

/**
 * Show the fix's diff; apply it when the user accepts.
 */
export async function previewAndFix(
  panel: NotebookPanel,
  fix: Fix,
  readiness: IReadiness,
  trans: TranslationBundle
): Promise<void> {
  const plan = planOrExplain(panel, [fix], readiness, trans);
  if (!plan) {
    return;
  }
  const result = await showDialog({
    title: fix.title,
    body: new FixPreview(fix, plan, trans),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({
        label: trans.__('Apply'),
        caption: trans.__(
          'Apply these edits to the notebook (one undo reverts them)'
        )
      })
    ]
  });
  if (!result.button.accept) {
    return;
  }
  // Planned again: the notebook may have changed while the dialog was open.
  const fresh = planOrExplain(panel, [fix], readiness, trans);
  if (fresh) {
    applyPlan(panel, fresh);
    await readiness.check(panel);
  }
}

class FixPreview extends ReactWidget {
  constructor(
    private readonly _fix: Fix,
    private readonly _plan: IEditPlan,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Readiness');
    this.addClass('readiness-fix-preview');
  }

  protected render(): JSX.Element {
    const fix = this._fix;
    const trans = this._trans;
    return (
      <>
        <p
          className={`readiness-fix-safety readiness-fix-${fix.safe ? 'safe' : 'unsafe'}`}
        >
          {fix.safe
            ? trans.__('Safe: the notebook computes the same results.')
            : trans.__('Unsafe: this may change what the notebook computes.')}
        </p>
        {fix.note && <p className="readiness-fix-note">{fix.note}</p>}
        {this._plan.changes.map(change => (
          <section key={change.index} className="readiness-fix-cell">
            <h3 className="readiness-fix-heading">
              {cellName(change.index, null, trans)}
              {change.tags !== null &&
                ' · ' +
                  trans.__(
                    'tags: %1',
                    change.tags.join(', ') || trans.__('none')
                  )}
              {change.clearOutputs && ' · ' + trans.__('outputs cleared')}
            </h3>
            {change.after !== change.before && (
              <DiffView
                before={change.before}
                after={change.after}
                trans={trans}
              />
            )}
          </section>
        ))}
        {this._plan.inserts.map(insert => (
          <section key={`new-${insert.index}`} className="readiness-fix-cell">
            <h3 className="readiness-fix-heading">
              {trans.__('new %1 cell %2', insert.cellType, insert.index + 1)}
              {insert.tags.length > 0 &&
                ' · ' + trans.__('tags: %1', insert.tags.join(', '))}
            </h3>
            <DiffView before="" after={insert.source} trans={trans} />
          </section>
        ))}
      </>
    );
  }
}
