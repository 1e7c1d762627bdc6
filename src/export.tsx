/**
 * Export as package: a dialog previews the installable package the server
 * would write for the notebook (its files with what writing each does, the
 * parameters and pipeline steps it found, what blocks or weakens the export);
 * the package name, the destination folder, a team's Copier template for the
 * scaffolding and who to contact are editable and previewed again; Export
 * writes the files.
 */
import { Notification } from '@jupyterlab/apputils';
import type { INotebookContent } from '@jupyterlab/nbformat';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { exportPackage } from './api';
import {
  askWithPreview,
  BUSY_RETRY_DELAYS,
  isKernelBusy,
  messageOf,
  PreviewBody
} from './preview';
import { findingPlace } from './coach/where';
import { liveNotebook } from './slim';
import type {
  ExportFile,
  ExportFileStatus,
  ExportReply,
  ExportRequest,
  Finding
} from './types';

/**
 * How long after the last keystroke in a field the preview is asked again.
 */
const DEBOUNCE_MS = 300;

/**
 * A closed box: the command's icon in menus and the palette.
 */
export const packageIcon = new LabIcon({
  name: 'jupyterlab-readiness:package',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="#616161">' +
    '<path d="M12 2.2 20.6 7 12 11.8 3.4 7z"/>' +
    '<path d="M2.8 8.4 11.2 13.1V21.8L2.8 17.1z"/>' +
    '<path d="M12.8 13.1 21.2 8.4V17.1L12.8 21.8z"/>' +
    '</g></svg>'
});

/**
 * What the dialog resolves with: the request of the preview on screen, and
 * whether that preview can be written.
 */
interface IExportChoice {
  request: ExportRequest;
  canWrite: boolean;
}

/**
 * Preview, and on Export, write the notebook as an installable package.
 * `onWritten` runs once the server wrote it, with the package's folder.
 */
export async function exportNotebook(
  panel: NotebookPanel,
  trans: TranslationBundle,
  onWritten: (out: string) => void = () => undefined
): Promise<void> {
  const { context } = panel;
  await context.ready;
  // The live model: unsaved edits count, and the server never reads a stale
  // file (its image bytes left out: liveNotebook).
  const notebook = liveNotebook(panel);
  const body = new ExportPreview({
    path: context.localPath,
    notebook,
    // The pins come from the kernel's environment when one runs.
    kernelId: panel.sessionContext.session?.kernel?.id ?? null,
    trans
  });
  const choice = await askWithPreview(body, {
    title: trans.__('Export as package'),
    className: 'readiness-export-dialog',
    action: trans.__('Export'),
    caption: trans.__('Write the package files shown'),
    focusNodeSelector: 'input[name="package-name"]',
    trans
  });
  if (!choice?.canWrite) {
    return;
  }

  let reply: ExportReply;
  try {
    reply = await exportPackage({ ...choice.request, write: true });
  } catch (error) {
    Notification.error(
      trans.__('Export as package failed: %1', messageOf(error, trans)),
      {
        autoClose: false
      }
    );
    return;
  }
  onWritten(reply.out);

  const count = (status: ExportFileStatus) =>
    reply.files.filter(file => file.status === status).length;
  const written = count('create') + count('update');
  const unchanged = count('unchanged');
  // A toast shows 140 characters: the package's name, not its folder's path.
  Notification.success(
    trans.__(
      'Exported %1: %2, %3.',
      reply.distribution,
      trans._n('%1 file written', '%1 files written', written),
      trans._n('%1 unchanged', '%1 unchanged', unchanged)
    ),
    { autoClose: 5000 }
  );
  if (reply.conflicts.length > 0) {
    Notification.warning(
      trans._n(
        'Export as package left %1 conflicting file as it is: %2',
        'Export as package left %1 conflicting files as they are: %2',
        reply.conflicts.length,
        reply.conflicts.join(', ')
      ),
      { autoClose: false }
    );
  }
}

interface IPreviewOptions {
  path: string;
  notebook: INotebookContent;
  kernelId: string | null;
  trans: TranslationBundle;
}

/**
 * The dialog's body: the name, folder, template and contact, and the package
 * the server previewed for them. Editing a field asks again after a pause; a newer
 * request aborts the older.
 */
class ExportPreview extends PreviewBody<ExportReply, IExportChoice> {
  constructor(private readonly _options: IPreviewOptions) {
    super('readiness-export', _options.trans);
    // Before the dialog's own (capturing) listener on its node.
    document.addEventListener('keydown', this._onKeydown, true);
    void this.preview();
  }

  getValue(): IExportChoice {
    const reply = this.reply;
    const canWrite = this.canAct() && reply !== null;
    return {
      // What the preview on screen showed: the server's reading of the fields.
      request: canWrite
        ? { ...this._request(), name: reply.name, out: reply.out }
        : this._request(),
      canWrite
    };
  }

  dispose(): void {
    clearTimeout(this._timer);
    document.removeEventListener('keydown', this._onKeydown, true);
    super.dispose();
  }

  protected render(): JSX.Element {
    const { trans } = this._options;
    const reply = this.reply;
    // Until the user edits it, the folder follows the name (the server's default).
    const out = this._outEdited ? this._out : (reply?.out ?? '');
    return (
      <div className="readiness-export-body" data-state={this.state}>
        <div className="readiness-export-controls">
          <TextControl
            label={trans.__('Package name')}
            name="package-name"
            value={this._name}
            placeholder={trans.__('from the notebook name')}
            invalid={this.state === 'error'}
            onChange={name => this._edit({ name })}
          />
          <TextControl
            label={trans.__('Destination folder')}
            name="export-out"
            value={out}
            placeholder={trans.__(
              'beside the notebook, named after the package'
            )}
            onChange={out => this._edit({ out })}
          />
          <TextControl
            label={trans.__('Template')}
            name="export-template"
            value={this._template}
            placeholder={trans.__(
              "the project's, else the built-in one (a Copier template folder)"
            )}
            onChange={template => this._edit({ template })}
          />
          <TextControl
            label={trans.__('Contact')}
            name="export-contact"
            value={this._contact}
            prose={true}
            maxLength={200}
            placeholder={trans.__('who to call about it (in its README)')}
            onChange={contact => this._edit({ contact })}
          />
        </div>
        {this.state === 'error' && (
          <div className="readiness-error readiness-export-error" role="alert">
            <div className="readiness-export-message">{this.error}</div>
            {/* A 400 is about the fields; a busy kernel (409) answers once its
                cell finishes. */}
            {this._status !== 400 && (
              <button
                type="button"
                className="readiness-action-button readiness-export-retry"
                onClick={() => void this.preview()}
              >
                {trans.__('Try again')}
              </button>
            )}
          </div>
        )}
        {this.state === 'loading' && (
          <p className="readiness-export-loading" data-retries={this.retries}>
            {this.retries === 0
              ? trans.__('Preparing the preview…')
              : trans.__(
                  'The kernel is busy: asking again (%1 of %2)…',
                  this.retries,
                  BUSY_RETRY_DELAYS.length
                )}
          </p>
        )}
        {reply && this.state !== 'error' && (
          <ExportSummary
            reply={reply}
            selected={this._selected(reply)}
            onSelect={path => {
              this._file = path;
              this.update();
            }}
            trans={trans}
          />
        )}
      </div>
    );
  }

  protected retryable(error: unknown): boolean {
    return isKernelBusy(error);
  }

  protected async fetchPreview(signal: AbortSignal): Promise<ExportReply> {
    this._status = null;
    try {
      return await exportPackage(this._request(), signal);
    } catch (error) {
      this._status =
        (error as ServerConnection.ResponseError).response?.status ?? null;
      throw error;
    }
  }

  protected received(reply: ExportReply): void {
    if (this._first) {
      // The server's proposal fills the name once; afterwards it is the user's.
      this._first = false;
      this._name = reply.name;
    }
  }

  /**
   * Export is enabled only while the preview of the fields shown is on
   * screen and the server does not refuse it.
   */
  protected canAct(): boolean {
    const reply = this.reply;
    return (
      this.state === 'ready' &&
      reply !== null &&
      reply.refused === null &&
      reply.files.length > 0
    );
  }

  private _edit(change: {
    name?: string;
    out?: string;
    template?: string;
    contact?: string;
  }): void {
    if (change.out !== undefined) {
      this._outEdited = true;
      this._out = change.out;
    }
    this._name = change.name ?? this._name;
    this._template = change.template ?? this._template;
    this._contact = change.contact ?? this._contact;
    // Export waits for the preview of the fields shown.
    this.controller?.abort();
    this.setState('loading');
    clearTimeout(this._timer);
    this._timer = setTimeout(() => void this.preview(), DEBOUNCE_MS);
  }

  private _request(): ExportRequest {
    const { path, notebook, kernelId } = this._options;
    return {
      path,
      notebook,
      kernel_id: kernelId,
      name: this._name.trim() || null,
      // An emptied folder field goes back to the default.
      out: (this._outEdited && this._out.trim()) || null,
      template: this._template.trim() || null,
      contact: this._contact.trim() || null,
      write: false
    };
  }

  /**
   * The file whose text is shown: the one clicked while the package has it,
   * else the pipeline module, else the first file.
   */
  private _selected(reply: ExportReply): ExportFile | null {
    const { files } = reply;
    return (
      files.find(file => file.path === this._file) ??
      files.find(file => file.path.endsWith('/pipeline.py')) ??
      files[0] ??
      null
    );
  }

  /**
   * Enter in a field accepts the dialog, even while Export is disabled:
   * then it asks for the preview now instead, and the dialog stays open.
   */
  private _onKeydown = (event: KeyboardEvent): void => {
    if (
      event.key !== 'Enter' ||
      !(event.target instanceof HTMLInputElement) ||
      !this.node.contains(event.target) ||
      this.canAct()
    ) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (this.state === 'loading' && this._timer !== undefined) {
      clearTimeout(this._timer);
      this._timer = undefined;
      void this.preview();
    }
  };

  private _name = '';
  private _out = '';
  private _outEdited = false;
  private _template = '';
  private _contact = '';
  private _file: string | null = null;
  private _first = true;
  /**
   * The HTTP status of the failed preview (null: no answer, e.g. offline).
   */
  private _status: number | null = null;
  private _timer: ReturnType<typeof setTimeout> | undefined;
}

function statusLabel(
  status: ExportFileStatus,
  trans: TranslationBundle
): string {
  switch (status) {
    case 'create':
      return trans.__('create');
    case 'update':
      return trans.__('update');
    case 'unchanged':
      return trans.__('unchanged');
    case 'conflict':
      return trans.__('conflict');
  }
}

function ExportSummary(props: {
  reply: ExportReply;
  selected: ExportFile | null;
  onSelect: (path: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { reply, selected, onSelect, trans } = props;
  return (
    <>
      <p className="readiness-export-package">
        {trans.__(
          'Distribution %1, import package %2, from a notebook scoring %3.',
          reply.distribution,
          reply.name,
          reply.score
        )}
      </p>
      {reply.refused !== null && (
        <section className="readiness-export-refused" role="alert">
          <h3 className="readiness-export-heading">
            {trans.__('Cannot export yet')}
          </h3>
          <p className="readiness-export-reason">{reply.refused}</p>
          <FindingList
            className="readiness-export-blocking"
            findings={reply.blocking}
            trans={trans}
          />
        </section>
      )}
      {reply.files.length > 0 && (
        <section className="readiness-export-files">
          <h3 className="readiness-export-heading">
            {trans.__('Files')}
            <span className="readiness-export-note">
              {fileCounts(reply.files, trans)}
            </span>
          </h3>
          <div className="readiness-export-browser">
            <FileTree
              dir={buildTree(reply.files)}
              selected={selected?.path ?? null}
              onSelect={onSelect}
              trans={trans}
            />
            {selected && (
              <pre
                className="readiness-code readiness-export-text"
                data-path={selected.path}
                aria-label={selected.path}
              >
                {selected.text}
              </pre>
            )}
          </div>
        </section>
      )}
      <Parameters reply={reply} trans={trans} />
      <Steps reply={reply} trans={trans} />
      {reply.weakening.length > 0 && (
        <section className="readiness-export-weakening-list">
          <h3 className="readiness-export-heading">
            {trans.__('Weakens the package')}
            <span className="readiness-export-note">
              {trans.__('it exports, but fix these for a dependable pipeline')}
            </span>
          </h3>
          <FindingList
            className="readiness-export-weakening"
            findings={reply.weakening}
            trans={trans}
          />
        </section>
      )}
      <TextList
        kind="warnings"
        title={trans.__('Warnings')}
        items={reply.warnings}
      />
      <TextList
        kind="unresolved"
        title={trans.__('Unresolved imports')}
        note={trans.__('no installed package provides them; not pinned')}
        items={reply.unresolved}
        code
      />
      <TextList
        kind="conflicts"
        title={trans.__('Conflicts')}
        note={trans.__('files the export leaves as they are')}
        items={reply.conflicts}
        code
      />
    </>
  );
}

function fileCounts(files: ExportFile[], trans: TranslationBundle): string {
  const count = (status: ExportFileStatus) =>
    files.filter(file => file.status === status).length;
  const parts: string[] = [];
  const add = (n: number, text: string) => n > 0 && parts.push(text);
  add(
    count('create'),
    trans._n('%1 to create', '%1 to create', count('create'))
  );
  add(
    count('update'),
    trans._n('%1 to update', '%1 to update', count('update'))
  );
  add(
    count('unchanged'),
    trans._n('%1 unchanged', '%1 unchanged', count('unchanged'))
  );
  add(
    count('conflict'),
    trans._n('%1 conflict', '%1 conflicts', count('conflict'))
  );
  return parts.join(', ');
}

/**
 * A folder of the package: its subfolders and files, in the server's order.
 */
interface IDir {
  name: string;
  dirs: Map<string, IDir>;
  files: Array<{ name: string; file: ExportFile }>;
}

function buildTree(files: ExportFile[]): IDir {
  const root: IDir = { name: '', dirs: new Map(), files: [] };
  for (const file of files) {
    const parts = file.path.split('/');
    const name = parts.pop()!;
    let dir = root;
    for (const part of parts) {
      let sub = dir.dirs.get(part);
      if (!sub) {
        sub = { name: part, dirs: new Map(), files: [] };
        dir.dirs.set(part, sub);
      }
      dir = sub;
    }
    dir.files.push({ name, file });
  }
  return root;
}

function FileTree(props: {
  dir: IDir;
  selected: string | null;
  onSelect: (path: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { dir, selected, onSelect, trans } = props;
  return (
    <ul className="readiness-export-tree">
      {[...dir.dirs.values()].map(sub => (
        <li key={`${sub.name}/`} className="readiness-export-dir">
          <span className="readiness-export-dirname">{sub.name}/</span>
          <FileTree
            dir={sub}
            selected={selected}
            onSelect={onSelect}
            trans={trans}
          />
        </li>
      ))}
      {dir.files.map(({ name, file }) => (
        <li key={name}>
          <button
            type="button"
            className={
              'readiness-export-file' +
              (file.path === selected ? ' jp-mod-selected' : '')
            }
            data-path={file.path}
            data-status={file.status}
            aria-pressed={file.path === selected}
            title={file.path}
            onClick={() => onSelect(file.path)}
          >
            <span className="readiness-export-filename">{name}</span>
            <span
              className={`readiness-export-status readiness-export-status-${file.status}`}
            >
              {statusLabel(file.status, trans)}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function Parameters(props: {
  reply: ExportReply;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { reply, trans } = props;
  if (reply.parameters.length === 0 && reply.parameters_cell === null) {
    return null;
  }
  return (
    <section className="readiness-export-params">
      <h3 className="readiness-export-heading">
        {trans.__('Parameters')}
        {reply.parameters_cell !== null && (
          <span className="readiness-export-note">
            {trans.__(
              'from the parameters cell (cell %1)',
              reply.parameters_cell + 1
            )}
          </span>
        )}
      </h3>
      {reply.parameters.length === 0 ? (
        <p className="readiness-export-none">{trans.__('none')}</p>
      ) : (
        <table className="readiness-export-table">
          <thead>
            <tr>
              <th>{trans.__('Name')}</th>
              <th>{trans.__('Type')}</th>
              <th>{trans.__('Default')}</th>
              <th>{trans.__('From')}</th>
            </tr>
          </thead>
          <tbody>
            {reply.parameters.map(param => (
              <tr
                key={param.name}
                className="readiness-export-param"
                data-name={param.name}
                data-origin={param.origin}
              >
                <td>
                  <code>{param.name}</code>
                </td>
                <td>
                  <code>{param.type}</code>
                </td>
                <td>
                  <code>{param.default}</code>
                </td>
                <td>
                  {param.origin === 'clock'
                    ? param.cell_index === null
                      ? trans.__('a clock read')
                      : trans.__(
                          'a clock read in cell %1',
                          param.cell_index + 1
                        )
                    : param.cell_index === null
                      ? trans.__('a cell')
                      : trans.__('cell %1', param.cell_index + 1)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Steps(props: {
  reply: ExportReply;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { reply, trans } = props;
  if (reply.steps.length === 0) {
    return null;
  }
  return (
    <section className="readiness-export-steps">
      <h3 className="readiness-export-heading">{trans.__('Pipeline steps')}</h3>
      <ol>
        {reply.steps.map(step => (
          <li
            key={step.function}
            className="readiness-export-step"
            data-function={step.function}
          >
            <code>
              {step.function}({step.parameters.join(', ')})
              {step.returns.length > 0 && ` → ${step.returns.join(', ')}`}
            </code>
            <span className="readiness-export-note">
              {step.heading !== null && `${step.heading} · `}
              {trans._n(
                'cell %2',
                'cells %2',
                step.cell_indices.length,
                step.cell_indices.map(index => index + 1).join(', ')
              )}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function FindingList(props: {
  className: string;
  findings: Finding[];
  trans: TranslationBundle;
}): JSX.Element | null {
  const { className, findings, trans } = props;
  if (findings.length === 0) {
    return null;
  }
  return (
    <ul className="readiness-export-findings">
      {findings.map((finding, i) => (
        <li
          key={i}
          className={`${className} readiness-severity-${finding.severity}`}
          data-check={finding.check}
          data-cell-index={finding.cell_index ?? ''}
        >
          <span className="readiness-export-finding-message">
            {finding.message}
          </span>
          <span className="readiness-export-note">
            {findingPlace(finding, trans)}
          </span>
        </li>
      ))}
    </ul>
  );
}

function TextList(props: {
  kind: string;
  title: string;
  items: string[];
  note?: string;
  code?: boolean;
}): JSX.Element | null {
  const { kind, title, items, note, code } = props;
  if (items.length === 0) {
    return null;
  }
  return (
    <section className={`readiness-export-list readiness-export-${kind}`}>
      <h3 className="readiness-export-heading">
        {title}
        {note && <span className="readiness-export-note">{note}</span>}
      </h3>
      <ul>
        {items.map((item, i) => (
          <li key={i}>{code ? <code>{item}</code> : item}</li>
        ))}
      </ul>
    </section>
  );
}

/**
 * One labelled text field of the dialog.
 */
function TextControl(props: {
  label: string;
  name: string;
  value: string;
  placeholder: string;
  onChange: (value: string) => void;
  prose?: boolean; // spell-checked, unlike names and paths
  maxLength?: number;
  invalid?: boolean;
}): JSX.Element {
  return (
    <label className="readiness-export-control">
      <span>{props.label}</span>
      <input
        type="text"
        name={props.name}
        className="jp-mod-styled"
        spellCheck={props.prose ? undefined : false}
        value={props.value}
        maxLength={props.maxLength}
        placeholder={props.placeholder}
        aria-invalid={props.invalid}
        onChange={event => props.onChange(event.currentTarget.value)}
      />
    </label>
  );
}
