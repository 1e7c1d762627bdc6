/**
 * Extract to module: a dialog previews the function the server would write
 * for the selected code cells (the module's whole text, the cell that
 * replaces them, parameters, returns, warnings; the names are editable and
 * previewed again), or, for cells that only define names, the definitions
 * that move to the module as they are (no function name to ask for then);
 * Extract writes the module and replaces the cells in the live notebook in
 * one undoable step (selected markdown cells stay), offers to run the new
 * cell, and re-checks the notebook.
 */
import { Notification } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { MultilineString, INotebookContent } from '@jupyterlab/nbformat';
import { NotebookActions, type NotebookPanel } from '@jupyterlab/notebook';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { extractToModule } from './api';
import { liveNotebook } from './slim';
import { askWithPreview, messageOf, PreviewBody } from './preview';
import type { IReadiness } from './tokens';
import type { ExtractReply, ExtractRequest } from './types';

/**
 * How long after the last keystroke in a name field the preview is asked again.
 */
const DEBOUNCE_MS = 300;

/**
 * The indices (0-based over all cells) of the selected cells, or of the
 * active cell when none is selected; null unless they are code cells and
 * markdown cells with at least one code cell (the markdown stays in the
 * notebook, above the cell that replaces the code).
 */
export function extractableCells(panel: NotebookPanel): number[] | null {
  const notebook = panel.content;
  const indices: number[] = [];
  notebook.widgets.forEach((cell, index) => {
    if (notebook.isSelectedOrActive(cell)) {
      indices.push(index);
    }
  });
  const types = indices.map(index => notebook.widgets[index].model.type);
  if (
    !types.includes('code') ||
    types.some(type => type !== 'code' && type !== 'markdown')
  ) {
    return null;
  }
  return indices;
}

/**
 * What the dialog resolves with: the preview on screen, if it can be written.
 */
interface IExtractChoice {
  reply: ExtractReply | null;
}

/**
 * Preview, and on Extract, move the selected code cells of a notebook into a
 * module function.
 */
export async function extractCells(
  panel: NotebookPanel,
  readiness: IReadiness,
  contents: Contents.IManager,
  trans: TranslationBundle,
  onWritten: (file: string) => void = () => undefined
): Promise<void> {
  const { context } = panel;
  await context.ready;
  const indices = extractableCells(panel);
  if (!indices) {
    return;
  }
  // The live model: unsaved edits count, and the server never reads a stale
  // file (its image bytes left out: liveNotebook).
  const notebook = liveNotebook(panel);
  const body = new ExtractPreview({
    path: context.localPath,
    notebook,
    indices,
    trans
  });
  const choice = await askWithPreview(body, {
    title: trans.__('Extract to module'),
    className: 'readiness-extract-dialog',
    action: trans.__('Extract'),
    caption: trans.__('Write the module shown and replace the cells'),
    focusNodeSelector: '.readiness-extract-function',
    trans
  });
  const preview = choice?.reply ?? null;
  // Enter in a name field accepts the dialog even while Extract is disabled.
  if (!preview || panel.isDisposed) {
    return;
  }
  if (!sameCells(panel, notebook, indices)) {
    Notification.error(
      trans.__(
        'Extract to module: the cells changed while the dialog was open; nothing was written. Run it again.'
      ),
      { autoClose: false }
    );
    return;
  }

  const existed = await fileExists(contents, preview.module_file);
  let reply: ExtractReply;
  try {
    reply = await extractToModule({
      path: context.localPath,
      notebook,
      cell_indices: indices,
      module: preview.module,
      // "" when the definitions move as they are: no function to name
      function: preview.function || null,
      write: true
    });
  } catch (error) {
    Notification.error(
      trans.__('Extract to module failed: %1', messageOf(error, trans)),
      { autoClose: false }
    );
    return;
  }
  onWritten(reply.module_file);
  if (panel.isDisposed || !sameCells(panel, notebook, indices)) {
    Notification.warning(
      trans.__(
        'Wrote %1, but the cells changed meanwhile: the notebook was left as it is.',
        reply.module_file
      ),
      { autoClose: false }
    );
    return;
  }
  const at = replaceCells(
    panel,
    indices,
    joinSource(reply.replacement_cell.source)
  );

  // A toast shows 140 characters: the file's name (it is beside the notebook), not its path.
  const file = PathExt.basename(reply.module_file);
  const moved = reply.definitions.join(', ');
  // The new cell has not run: until it does, the names it binds are missing
  // below it (and the checks say so). One click runs it.
  const run = {
    label: trans.__('Run the new cell'),
    caption: moved
      ? trans.__('Run the cell that imports %1', moved)
      : trans.__('Run the cell that calls %1()', reply.function),
    callback: () => {
      if (!panel.isDisposed) {
        panel.content.activeCellIndex = at;
        void NotebookActions.run(panel.content, panel.sessionContext);
      }
    }
  };
  const what = moved || `${reply.function}()`;
  Notification.success(
    existed
      ? trans.__(
          'Updated %1 with %2. The kernel may hold an older copy: restart it or `importlib.reload` the module.',
          file,
          what
        )
      : trans.__('Extracted %1 into %2.', what, file),
    { autoClose: existed ? false : 10000, actions: [run] }
  );
  await readiness.check(panel);
}

/**
 * Replace the code cells at `indices` (contiguous) by one code cell below
 * the selection's markdown cells, which stay, as ONE step of the notebook's
 * undo history: the shared model's undo manager records the transaction's
 * deletions and insertion together (its `stopCapturing` keeps a neighbouring
 * edit from merging into the same step), so `notebook:undo-cell-action` (Z in
 * command mode) restores the cells. Returns the new cell's index.
 */
function replaceCells(
  panel: NotebookPanel,
  indices: number[],
  source: string
): number {
  const notebook = panel.content;
  const shared = notebook.model!.sharedModel;
  // The YNotebook's Y.UndoManager; ISharedNotebook does not declare it.
  const history = (shared as { undoManager?: { stopCapturing(): void } })
    .undoManager;
  const code = [...indices]
    .filter(index => shared.cells[index].cell_type === 'code')
    .sort((a, b) => b - a);
  const at = Math.max(...indices) + 1 - code.length;
  history?.stopCapturing();
  shared.transact(() => {
    // From the bottom up, so each index still names its cell.
    for (const index of code) {
      shared.deleteCell(index);
    }
    shared.insertCell(at, { cell_type: 'code', source, metadata: {} });
  });
  history?.stopCapturing();
  notebook.deselectAll();
  notebook.activeCellIndex = at;
  notebook.mode = 'command';
  void notebook.scrollToItem(at);
  return at;
}

/**
 * Whether the live notebook still has the cells the request was built from.
 */
function sameCells(
  panel: NotebookPanel,
  notebook: INotebookContent,
  indices: number[]
): boolean {
  const cells = panel.content.model?.sharedModel.cells;
  if (!cells || cells.length !== notebook.cells.length) {
    return false;
  }
  return indices.every(index => {
    const before = notebook.cells[index];
    const now = cells[index];
    return (
      now.cell_type === before.cell_type &&
      // nbformat 4.0-4.4 models leave the ids out of toJSON().
      (before.id === undefined || now.id === before.id) &&
      now.getSource() === joinSource(before.source)
    );
  });
}

async function fileExists(
  contents: Contents.IManager,
  path: string
): Promise<boolean> {
  try {
    await contents.get(path, { content: false });
    return true;
  } catch {
    return false;
  }
}

function joinSource(source: MultilineString): string {
  return Array.isArray(source) ? source.join('') : source;
}

interface IPreviewOptions {
  path: string;
  notebook: INotebookContent;
  indices: number[];
  trans: TranslationBundle;
}

/**
 * The dialog's body: the names, and the extraction the server previewed for
 * them. Editing a name asks again after a pause; a newer request aborts the older.
 */
class ExtractPreview extends PreviewBody<ExtractReply, IExtractChoice> {
  constructor(private readonly _options: IPreviewOptions) {
    super('readiness-extract', _options.trans);
    void this.preview();
  }

  getValue(): IExtractChoice {
    return { reply: this.state === 'ready' ? this.reply : null };
  }

  dispose(): void {
    clearTimeout(this._timer);
    super.dispose();
  }

  protected render(): JSX.Element {
    const { trans, indices } = this._options;
    const reply = this.reply;
    // Definitions move as they are: there is no function to name.
    const moves = (reply?.definitions.length ?? 0) > 0;
    return (
      <div className="readiness-extract-body" data-state={this.state}>
        <p className="readiness-extract-cells">
          {trans._n(
            'Cell %2',
            'Cells %2',
            indices.length,
            indices.map(index => index + 1).join(', ')
          )}
        </p>
        <div className="readiness-extract-controls">
          <label className="readiness-extract-control">
            <span>{trans.__('Module')}</span>
            <input
              type="text"
              className="jp-mod-styled readiness-extract-module"
              spellCheck={false}
              value={this._module}
              placeholder={trans.__('from the notebook name')}
              onChange={event =>
                this._edit({ module: event.currentTarget.value })
              }
            />
          </label>
          {!moves && (
            <label className="readiness-extract-control">
              <span>{trans.__('Function')}</span>
              <input
                type="text"
                className="jp-mod-styled readiness-extract-function"
                spellCheck={false}
                value={this._function}
                placeholder={trans.__('from the heading above')}
                onChange={event =>
                  this._edit({ function: event.currentTarget.value })
                }
              />
            </label>
          )}
        </div>
        {this.state === 'loading' && (
          <p className="readiness-extract-loading">
            {trans.__('Preparing the preview…')}
          </p>
        )}
        {this.state === 'error' && (
          <div className="readiness-error readiness-extract-error" role="alert">
            {this.error}
          </div>
        )}
        {reply && this.state !== 'error' && (
          <ExtractSummary reply={reply} trans={trans} />
        )}
      </div>
    );
  }

  private _edit(change: { module?: string; function?: string }): void {
    this._module = change.module ?? this._module;
    this._function = change.function ?? this._function;
    // Extract waits for the preview of the names shown.
    this.controller?.abort();
    this.setState('loading');
    clearTimeout(this._timer);
    this._timer = setTimeout(() => void this.preview(), DEBOUNCE_MS);
  }

  protected fetchPreview(signal: AbortSignal): Promise<ExtractReply> {
    return extractToModule(this._request(), signal);
  }

  protected received(reply: ExtractReply): void {
    if (this._first) {
      // The server's proposal fills the fields once; afterwards they are the user's.
      this._first = false;
      this._module = reply.module;
      this._function = reply.function;
    }
  }

  /**
   * Extract is enabled only while the preview of the names shown is on screen.
   */
  protected canAct(): boolean {
    return this.state === 'ready';
  }

  private _request(): ExtractRequest {
    const { path, notebook, indices } = this._options;
    return {
      path,
      notebook,
      cell_indices: indices,
      module: this._module.trim() || null,
      function: this._function.trim() || null,
      write: false
    };
  }

  private _module = '';
  private _function = '';
  private _first = true;
  private _timer: ReturnType<typeof setTimeout> | undefined;
}

function ExtractSummary(props: {
  reply: ExtractReply;
  trans: TranslationBundle;
}): JSX.Element {
  const { reply, trans } = props;
  const none = (
    <span className="readiness-extract-none">{trans.__('none')}</span>
  );
  const file = PathExt.basename(reply.module_file);
  return (
    <>
      {reply.definitions.length > 0 ? (
        <p className="readiness-extract-definitions">
          {trans._n(
            'Moves %2 to %3; the cell imports it.',
            'Moves %2 to %3; the cell imports them.',
            reply.definitions.length,
            reply.definitions.join(', '),
            file
          )}
        </p>
      ) : (
        <dl className="readiness-extract-signature">
          <dt>{trans.__('Parameters')}</dt>
          <dd className="readiness-extract-parameters">
            {reply.parameters.length ? (
              <code>{reply.parameters.join(', ')}</code>
            ) : (
              none
            )}
          </dd>
          <dt>{trans.__('Returns')}</dt>
          <dd className="readiness-extract-returns">
            {reply.returns.length ? (
              <code>{reply.returns.join(', ')}</code>
            ) : (
              none
            )}
          </dd>
        </dl>
      )}
      {reply.warnings.length > 0 && (
        <section className="readiness-extract-warnings">
          <h3 className="readiness-extract-heading">{trans.__('Warnings')}</h3>
          <ul>
            {reply.warnings.map((warning, i) => (
              <li key={i}>{warning}</li>
            ))}
          </ul>
        </section>
      )}
      <section className="readiness-extract-file" data-file={reply.module_file}>
        <h3 className="readiness-extract-heading">
          <span className="readiness-extract-filename">
            {reply.module_file}
          </span>
        </h3>
        <pre className="readiness-code readiness-extract-module-text">
          {reply.module_text}
        </pre>
      </section>
      <section className="readiness-extract-replacement">
        <h3 className="readiness-extract-heading">
          {trans.__('Replacement cell')}
        </h3>
        <pre className="readiness-code readiness-extract-cell">
          {joinSource(reply.replacement_cell.source)}
        </pre>
      </section>
    </>
  );
}
