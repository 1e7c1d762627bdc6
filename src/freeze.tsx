/**
 * Freeze environment: a dialog previews what the server would pin (the target
 * file's diff, the lock file's if asked for, what is added, changed and left
 * unresolved); Write writes it and re-checks the notebook, so the
 * unpinned-import findings it settled go away.
 */
import { Notification } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { freezeEnvironment } from './api';
import { DiffView } from './diffview';
import {
  askWithPreview,
  BUSY_RETRY_DELAYS,
  isKernelBusy,
  messageOf,
  PreviewBody
} from './preview';
import type { IReadiness } from './tokens';
import type { FreezeReply, FreezeRequest, FreezeTarget } from './types';

/**
 * How long after the last keystroke in a version field the preview is asked again.
 */
const VERSION_DEBOUNCE_MS = 400;

/**
 * What the dialog resolves with: the request of the preview on screen, and
 * whether it has anything to write.
 */
interface IFreezeChoice {
  request: FreezeRequest;
  canWrite: boolean;
}

/**
 * Preview, and on Write, freeze the environment of a notebook.
 */
export async function freezeNotebook(
  panel: NotebookPanel,
  readiness: IReadiness,
  trans: TranslationBundle
): Promise<void> {
  const { context } = panel;
  await context.ready;
  if (context.model.dirty) {
    // The server reads the saved file: pins for imports only in unsaved
    // cells would be missing.
    try {
      await context.save();
    } catch (error) {
      Notification.error(
        trans.__(
          'Freeze environment: the notebook could not be saved: %1',
          messageOf(error, trans)
        )
      );
      return;
    }
  }

  const body = new FreezePreview({
    path: context.localPath,
    kernelId: panel.sessionContext.session?.kernel?.id ?? null,
    trans
  });
  const choice = await askWithPreview(body, {
    title: trans.__('Freeze environment'),
    className: 'readiness-freeze-dialog',
    action: trans.__('Write'),
    caption: trans.__('Write the pins shown'),
    // The first control, rather than Write, which is disabled until the preview arrives.
    focusNodeSelector: '.readiness-freeze-target',
    trans
  });
  // Enter in a control accepts the dialog even while Write is disabled.
  if (!choice?.canWrite) {
    return;
  }

  let reply: FreezeReply;
  try {
    reply = await freezeEnvironment({ ...choice.request, write: true });
  } catch (error) {
    Notification.error(
      trans.__('Freeze environment failed: %1', messageOf(error, trans)),
      { autoClose: false }
    );
    return;
  }
  const files = [reply.file, ...(reply.lock ? [reply.lock.file] : [])];
  Notification.success(
    trans.__('Pinned the environment in %1.', files.join(', ')),
    {
      autoClose: 5000
    }
  );
  if (!panel.isDisposed) {
    await readiness.check(panel);
  }
}

interface IPreviewOptions {
  path: string;
  kernelId: string | null;
  trans: TranslationBundle;
}

/**
 * The dialog's body: the controls, and the preview the server answered for
 * them. Changing a control asks again; a newer request aborts the older.
 */
class FreezePreview extends PreviewBody<FreezeReply, IFreezeChoice> {
  constructor(private readonly _options: IPreviewOptions) {
    super('readiness-freeze', _options.trans);
    void this.preview();
  }

  getValue(): IFreezeChoice {
    return { request: this._request(), canWrite: this.canAct() };
  }

  protected render(): JSX.Element {
    const { trans, kernelId } = this._options;
    const reply = this.reply;
    return (
      <div className="readiness-freeze-body" data-state={this.state}>
        <div className="readiness-freeze-controls">
          <label className="readiness-freeze-control">
            <span>{trans.__('Target')}</span>
            <select
              className="jp-mod-styled readiness-freeze-target"
              value={this._target}
              onChange={event => {
                this._target = event.currentTarget.value as FreezeTarget;
                void this.preview();
              }}
            >
              <option value="auto">
                {trans.__(
                  'auto (pyproject.toml if the project has one, else requirements.txt)'
                )}
              </option>
              <option value="requirements">requirements.txt</option>
              <option value="pyproject">pyproject.toml</option>
            </select>
          </label>
          <label className="readiness-freeze-control">
            <input
              type="checkbox"
              className="readiness-freeze-lock"
              checked={this._lock}
              onChange={event => {
                this._lock = event.currentTarget.checked;
                void this.preview();
              }}
            />
            <span>
              {trans.__('Also write a lock file (requirements-lock.txt)')}
            </span>
          </label>
        </div>
        <p className="readiness-freeze-source">
          {kernelId
            ? trans.__("Exact versions installed in the notebook's kernel.")
            : trans.__(
                "No kernel: exact versions installed in the server's environment."
              )}
        </p>
        {this.state === 'loading' && (
          <p className="readiness-freeze-loading" data-retries={this.retries}>
            {this.retries === 0
              ? trans.__('Reading the environment…')
              : trans.__(
                  'The kernel is busy: asking again (%1 of %2)…',
                  this.retries,
                  BUSY_RETRY_DELAYS.length
                )}
          </p>
        )}
        {this.state === 'error' && (
          <div className="readiness-error readiness-freeze-error" role="alert">
            <div className="readiness-freeze-message">{this.error}</div>
            {/* A kernel still busy after the automatic retries answers once its cell finishes. */}
            <button
              className="readiness-action-button readiness-freeze-retry"
              onClick={() => void this.preview()}
            >
              {trans.__('Try again')}
            </button>
          </div>
        )}
        {reply && this.state === 'ready' && (
          <FreezeSummary reply={reply} trans={trans} />
        )}
        {/* Kept through a new preview and an error (a mistyped version's 400), so the field can be corrected. */}
        {reply && (
          <TypedVersions
            unresolved={reply.unresolved}
            versions={this._versions}
            onVersion={(name, version) => {
              this._versions = { ...this._versions, [name]: version };
              this.update();
              // Previewed again once the user stops typing.
              window.clearTimeout(this._typing);
              this._typing = window.setTimeout(
                () => void this.preview(),
                VERSION_DEBOUNCE_MS
              );
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

  protected fetchPreview(signal: AbortSignal): Promise<FreezeReply> {
    return freezeEnvironment(this._request(), signal);
  }

  private _request(): FreezeRequest {
    return {
      path: this._options.path,
      kernel_id: this._options.kernelId,
      target: this._target,
      lock: this._lock,
      versions: Object.fromEntries(
        Object.entries(this._versions).filter(([, v]) => v.trim() !== '')
      ),
      write: false
    };
  }

  /**
   * Write is enabled only when the preview has something to write.
   */
  protected canAct(): boolean {
    return (
      this.state === 'ready' && this.reply !== null && hasChanges(this.reply)
    );
  }

  private _target: FreezeTarget = 'auto';
  private _lock = false;
  /**
   * Versions the user typed for what the kernel does not have, by name.
   */
  private _versions: Record<string, string> = {};
  private _typing = 0;
}

function hasChanges(reply: FreezeReply): boolean {
  return (
    reply.before !== reply.after ||
    (reply.lock !== null && reply.lock.before !== reply.lock.after)
  );
}

function FreezeSummary(props: {
  reply: FreezeReply;
  trans: TranslationBundle;
}): JSX.Element {
  const { reply, trans } = props;
  return (
    <>
      {!hasChanges(reply) && (
        <p className="readiness-freeze-status" role="status">
          {trans.__('Already pinned: nothing to write.')}
        </p>
      )}
      <FileDiff
        file={reply.file}
        before={reply.before}
        after={reply.after}
        trans={trans}
      />
      {reply.lock && (
        <FileDiff
          file={reply.lock.file}
          before={reply.lock.before}
          after={reply.lock.after}
          trans={trans}
        />
      )}
      <NameList
        kind="added"
        title={trans.__('Added')}
        names={reply.added}
        trans={trans}
      />
      <NameList
        kind="changed"
        title={trans.__('Changed')}
        names={reply.changed}
        trans={trans}
      />
      {/* A pin file that could not be read, a package installed from a URL in the notebook. */}
      <NameList
        kind="warnings"
        title={trans.__('Warnings')}
        names={reply.warnings}
        plain
        trans={trans}
      />
    </>
  );
}

/**
 * What the kernel does not have, each with a field for the version to pin:
 * `1.2.3`, or `scikit-learn==1.2.3` when the module's package has another
 * name. A name pinned as typed stays listed so its version can be changed.
 */
function TypedVersions(props: {
  unresolved: string[];
  versions: Record<string, string>;
  onVersion: (name: string, version: string) => void;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { unresolved, versions, onVersion, trans } = props;
  const names = [
    ...unresolved,
    ...Object.keys(versions).filter(
      name => versions[name].trim() !== '' && !unresolved.includes(name)
    )
  ];
  if (names.length === 0) {
    return null;
  }
  return (
    <section className="readiness-freeze-list readiness-freeze-unresolved">
      <h3 className="readiness-freeze-heading">
        {trans.__('Not installed in the kernel')}
        <span className="readiness-freeze-note">
          {trans.__('type the version to pin, or leave it unpinned')}
        </span>
      </h3>
      <ul>
        {names.map(name => (
          <li
            key={name}
            data-name={name}
            data-typed={unresolved.includes(name) ? 'no' : 'yes'}
          >
            <code>{name}</code>{' '}
            <input
              className="jp-mod-styled readiness-freeze-version"
              aria-label={trans.__('Version of %1 to pin', name)}
              placeholder={trans.__('e.g. 1.2.3 or package==1.2.3')}
              value={versions[name] ?? ''}
              onChange={event => onVersion(name, event.currentTarget.value)}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

function FileDiff(props: {
  file: string;
  before: string;
  after: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { file, before, after, trans } = props;
  const state =
    before === after
      ? trans.__('unchanged')
      : before === ''
        ? trans.__('new file')
        : null;
  return (
    <section className="readiness-freeze-file" data-file={file}>
      <h3 className="readiness-freeze-heading">
        <span className="readiness-freeze-filename">{file}</span>
        {state && <span className="readiness-freeze-filestate">{state}</span>}
      </h3>
      {before !== after && (
        <DiffView before={before} after={after} trans={trans} />
      )}
    </section>
  );
}

function NameList(props: {
  kind: string;
  title: string;
  names: string[];
  note?: string;
  plain?: boolean;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { kind, title, names, note, plain } = props;
  if (names.length === 0) {
    return null;
  }
  return (
    <section className={`readiness-freeze-list readiness-freeze-${kind}`}>
      <h3 className="readiness-freeze-heading">
        {title}
        {note && <span className="readiness-freeze-note">{note}</span>}
      </h3>
      <ul>
        {names.map(name => (
          <li key={name}>{plain ? name : <code>{name}</code>}</li>
        ))}
      </ul>
    </section>
  );
}
