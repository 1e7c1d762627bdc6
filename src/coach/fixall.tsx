/**
 * Fix all safe: the server applies every safe fix in rounds (each round
 * re-checks, so fixes of one cell never undo each other: POST /readiness/fix
 * with `write: false`), the dialog shows its diff, and on Apply the fixed
 * notebook is brought into the live one cell by cell (by cell id), so the
 * editor keeps its state, as one step: one undo reverts all of it.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { ICodeCellModel } from '@jupyterlab/cells';
import type { INotebookContent, MultilineString } from '@jupyterlab/nbformat';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { fixNotebook } from '../api';
import { messageOf } from '../preview';
import type { IReadiness } from '../tokens';
import type { Finding, FixReply } from '../types';
import {
  applyPlan,
  cellSources,
  EditedSinceError,
  type IEditPlan
} from './edits';

/**
 * Whether a finding has a safe fix that edits cells (the ignore comment
 * silences rather than fixes, and commands run one by one).
 */
export function hasSafeFix(finding: Finding): boolean {
  return finding.fixes.some(
    fix => fix.safe && fix.id !== 'ignore' && !fix.command && fix.edits.length
  );
}

export async function fixAllSafe(
  panel: NotebookPanel,
  findings: Finding[],
  readiness: IReadiness,
  trans: TranslationBundle
): Promise<void> {
  let reply: FixReply;
  const sent = panel.context.model.toJSON() as INotebookContent;
  try {
    reply = await fixNotebook({
      path: panel.context.localPath,
      notebook: sent,
      kernel_id: panel.sessionContext.session?.kernel?.id ?? null,
      // The checks the sidebar shows (the user's disabled ones stay untouched).
      select: [...new Set(findings.filter(hasSafeFix).map(f => f.check))],
      unsafe: false,
      write: false
    });
  } catch (error) {
    Notification.error(trans.__('Fixing failed: %1', messageOf(error, trans)), {
      autoClose: false
    });
    return;
  }
  const result = await showDialog({
    title: trans.__('Fix all safe'),
    body: new FixAllPreview(reply, trans),
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
  if (result.button.accept && reply.applied.length > 0) {
    let plan: IEditPlan;
    try {
      plan = planNotebook(
        panel,
        reply.notebook as unknown as INotebookContent,
        cellSources(sent)
      );
    } catch (error) {
      if (!(error instanceof EditedSinceError)) {
        throw error;
      }
      Notification.warning(
        trans.__(
          'A cell these fixes edit was edited since they were made: nothing was changed. Fix all safe again to fix it as it is now.'
        ),
        { autoClose: 8000 }
      );
      await readiness.check(panel);
      return;
    }
    applyPlan(panel, plan);
    await readiness.check(panel);
  }
}

function text(source: MultilineString): string {
  return Array.isArray(source) ? source.join('') : source;
}

/**
 * The plan that brings the live notebook to `fixed`: fixes change sources,
 * tags and outputs and insert cells, never delete or move one, so a fixed
 * cell whose id the live notebook lacks is inserted where it stands (in
 * notebook order, each at its final index).
 */
function planNotebook(
  panel: NotebookPanel,
  fixed: INotebookContent,
  sent: ReadonlyMap<string, string>
): IEditPlan {
  const model = panel.content.model!;
  const cells = model.sharedModel.cells;
  const plan: IEditPlan = { changes: [], inserts: [] };
  fixed.cells.forEach((cell, index) => {
    const at = cells.findIndex(c => c.id === cell.id);
    const tags = (cell.metadata?.tags as string[] | undefined) ?? [];
    if (at < 0) {
      plan.inserts.push({
        index,
        cellType: cell.cell_type as 'code' | 'markdown',
        source: text(cell.source),
        tags
      });
      return;
    }
    const live = cells[at];
    const liveTags = (live.getMetadata('tags') as string[] | undefined) ?? [];
    const outputs = (model.cells.get(at) as ICodeCellModel).outputs;
    const before = live.getSource();
    const after = text(cell.source);
    const read = sent.get(cell.id as string);
    // A cell the fixes left as it was sent keeps whatever it holds now (typed
    // while the dialog was open); one they rewrote must still hold what they read.
    if (read !== undefined && after !== read && before !== read) {
      throw new EditedSinceError();
    }
    plan.changes.push({
      cell: live,
      index: at,
      before,
      after: read !== undefined && after === read ? before : after,
      tags: JSON.stringify(liveTags) !== JSON.stringify(tags) ? tags : null,
      clearOutputs:
        cell.cell_type === 'code' &&
        (cell.outputs as unknown[]).length === 0 &&
        !!outputs?.length
    });
  });
  return plan;
}

class FixAllPreview extends ReactWidget {
  constructor(
    private readonly _reply: FixReply,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Readiness');
    this.addClass('readiness-fix-preview');
    this.addClass('readiness-fix-all-preview');
  }

  protected render(): JSX.Element {
    const reply = this._reply;
    const trans = this._trans;
    if (reply.applied.length === 0) {
      return <p>{trans.__('No safe fix applies to this notebook now.')}</p>;
    }
    return (
      <>
        <ul className="readiness-fix-applied">
          {reply.applied.map((fix, i) => (
            <li key={i} data-check={fix.check}>
              {fix.title}
            </li>
          ))}
        </ul>
        {reply.unsafe_available > 0 && (
          <p className="readiness-fix-note">
            {trans._n(
              '%1 unsafe fix is left for you to review, finding by finding.',
              '%1 unsafe fixes are left for you to review, finding by finding.',
              reply.unsafe_available
            )}
          </p>
        )}
        <pre className="readiness-diff">
          {reply.diff.split('\n').map((line, i) => (
            <span
              key={i}
              className={`readiness-diff-line readiness-diff-${line.startsWith('+') ? 'add' : line.startsWith('-') ? 'remove' : 'same'}`}
            >
              {line}
            </span>
          ))}
        </pre>
      </>
    );
  }
}
