/**
 * Waive a finding from the sidebar: the team accepts it in writing. The
 * dialog asks for the reason (and an optional last day), previews the contract
 * file with the waiver (a `write: false` request), and writes it on Waive.
 */
import { Notification } from '@jupyterlab/apputils';
import type { INotebookContent } from '@jupyterlab/nbformat';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { waiveFinding } from '../api';
import { DiffView } from '../diffview';
import { askWithPreview, messageOf, PreviewBody } from '../preview';
import type { IReadiness } from '../tokens';
import type { Finding, WaiveReply, WaiveRequest } from '../types';
import { findingPlace } from './where';

/**
 * How long the user may pause typing the reason before the preview follows.
 */
const PREVIEW_DELAY_MS = 300;

export async function waiveWithPreview(
  panel: NotebookPanel,
  finding: Finding,
  readiness: IReadiness,
  trans: TranslationBundle
): Promise<void> {
  const base: WaiveRequest = {
    path: panel.context.localPath,
    notebook: panel.context.model.toJSON() as INotebookContent,
    check: finding.check,
    cell_id: finding.cell_index === null ? null : finding.cell_id,
    reason: ''
  };
  const body = new WaiveBody(base, finding, trans);
  const request = await askWithPreview(body, {
    title: trans.__('Waive %1', finding.check),
    className: 'readiness-waive-dialog',
    action: trans.__('Waive'),
    caption: trans.__('Write the waiver into the contract file'),
    focusNodeSelector: '.readiness-waive-reason',
    trans
  });
  // Enter in a control accepts the dialog even while Waive is disabled.
  if (!request?.reason.trim()) {
    return;
  }
  let reply: WaiveReply;
  try {
    reply = await waiveFinding({ ...request, write: true });
  } catch (error) {
    Notification.error(
      trans.__('Waiving failed: %1', messageOf(error, trans)),
      { autoClose: false }
    );
    return;
  }
  Notification.success(trans.__('Waiver written to %1.', reply.file), {
    autoClose: 5000
  });
  await readiness.check(panel);
}

class WaiveBody extends PreviewBody<WaiveReply, WaiveRequest> {
  constructor(
    private _request: WaiveRequest,
    private readonly _finding: Finding,
    trans: TranslationBundle
  ) {
    super('readiness-waive', trans);
  }

  getValue(): WaiveRequest {
    return this._request;
  }

  protected fetchPreview(signal: AbortSignal): Promise<WaiveReply> {
    return waiveFinding({ ...this._request, write: false }, signal);
  }

  protected canAct(): boolean {
    return this.state === 'ready' && this._request.reason.trim() !== '';
  }

  private _change(change: Partial<WaiveRequest>): void {
    this._request = { ...this._request, ...change };
    clearTimeout(this._timer);
    if (!this._request.reason.trim()) {
      // The server refuses a waiver without a reason: say so without asking.
      this.controller?.abort();
      this.reply = null;
      this.setState('ready');
      return;
    }
    this.setState('loading');
    this._timer = setTimeout(() => void this.preview(), PREVIEW_DELAY_MS);
  }

  dispose(): void {
    clearTimeout(this._timer);
    super.dispose();
  }

  protected render(): JSX.Element {
    const trans = this.trans;
    const finding = this._finding;
    const reply = this.reply;
    return (
      <>
        <p className="readiness-waive-finding">
          <span className="readiness-waive-where">
            {findingPlace(finding, trans)}
          </span>{' '}
          {finding.message}
        </p>
        <label className="readiness-waive-field">
          {trans.__('Why does the team accept this finding?')}
          <textarea
            className="readiness-waive-reason jp-mod-styled"
            rows={3}
            value={this._request.reason}
            onChange={event => this._change({ reason: event.target.value })}
          />
        </label>
        <label className="readiness-waive-field">
          {trans.__('Last day it counts (optional)')}
          <input
            type="date"
            className="readiness-waive-expires jp-mod-styled"
            value={this._request.expires ?? ''}
            onChange={event =>
              this._change({ expires: event.target.value || null })
            }
          />
        </label>
        {!this._request.reason.trim() ? (
          <p className="readiness-waive-hint">
            {trans.__('A waiver needs a reason.')}
          </p>
        ) : this.state === 'loading' ? (
          <p className="readiness-waive-hint">{trans.__('Previewing…')}</p>
        ) : this.state === 'error' ? (
          <p className="readiness-error" role="alert">
            {this.error}
          </p>
        ) : (
          reply && (
            <section className="readiness-waive-preview" data-file={reply.file}>
              <h3 className="readiness-waive-file">
                {reply.created
                  ? trans.__('%1 (new file)', reply.file)
                  : reply.file}
              </h3>
              <DiffView
                before={reply.before}
                after={reply.after}
                trans={trans}
              />
            </section>
          )
        )}
      </>
    );
  }

  private _timer: ReturnType<typeof setTimeout> | undefined;
}
