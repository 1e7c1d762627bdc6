/**
 * What the Freeze and Extract dialogs share: a body that shows the server's
 * preview (a `write: false` request) of the current choices, and enables the
 * dialog's action button only when that preview allows the action.
 */
import type { Dialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';

export type PreviewState = 'loading' | 'ready' | 'error';

/**
 * The readable part of a failed request (the server's JSON `message`).
 */
export function messageOf(error: unknown, trans: TranslationBundle): string {
  return (error as Error)?.message || trans.__('Unknown error');
}

export abstract class PreviewBody<TReply, TValue>
  extends ReactWidget
  implements Dialog.IBodyWidget<TValue>
{
  constructor(
    className: string,
    protected readonly trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Readiness');
    this.addClass(className);
  }

  /**
   * The dialog's accept button (Write, Extract): enabled only when canAct().
   */
  set actionButton(button: HTMLButtonElement | null) {
    this._button = button;
    this.syncAction();
  }

  abstract getValue(): TValue;

  dispose(): void {
    this.controller?.abort();
    super.dispose();
  }

  /**
   * Ask the server for the preview of the current choices.
   */
  protected abstract fetchPreview(signal: AbortSignal): Promise<TReply>;

  protected abstract canAct(): boolean;

  /**
   * A preview arrived and is about to be shown.
   */
  protected received(reply: TReply): void {
    void reply;
  }

  /**
   * Request a preview; a newer request aborts the older, whose reply is dropped.
   */
  protected async preview(): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.setState('loading');
    try {
      const reply = await this.fetchPreview(controller.signal);
      if (!controller.signal.aborted) {
        this.received(reply);
        this.reply = reply;
        this.setState('ready');
      }
    } catch (error) {
      if (!controller.signal.aborted) {
        this.error = messageOf(error, this.trans);
        this.setState('error');
      }
    }
  }

  protected setState(state: PreviewState): void {
    this.state = state;
    this.syncAction();
    this.update();
  }

  private syncAction(): void {
    if (this._button) {
      this._button.disabled = !this.canAct();
    }
  }

  protected state: PreviewState = 'loading';
  protected reply: TReply | null = null;
  protected error = '';
  protected controller: AbortController | null = null;
  private _button: HTMLButtonElement | null = null;
}
