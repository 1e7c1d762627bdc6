/**
 * What the Freeze and Extract dialogs share: a body that shows the server's
 * preview (a `write: false` request) of the current choices, and enables the
 * dialog's action button only when that preview allows the action.
 */
import { Dialog } from '@jupyterlab/apputils';
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

/**
 * Show `body` in a dialog whose accept button is its action; the body's value
 * when the user accepts, null when they cancel or the dialog is disposed
 * unanswered (e.g. the app is closing).
 */
export async function askWithPreview<TReply, TValue>(
  body: PreviewBody<TReply, TValue>,
  options: {
    title: string;
    className: string;
    action: string;
    caption: string;
    focusNodeSelector: string;
    trans: TranslationBundle;
  }
): Promise<TValue | null> {
  const { trans } = options;
  const dialog = new Dialog<TValue>({
    title: options.title,
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: options.action, caption: options.caption })
    ],
    focusNodeSelector: options.focusNodeSelector
  });
  dialog.addClass(options.className);
  body.actionButton = dialog.node.querySelector<HTMLButtonElement>(
    '.jp-Dialog-button.jp-mod-accept'
  );
  try {
    const result = await dialog.launch();
    return result.button.accept ? result.value : null;
  } catch {
    return null;
  }
}
