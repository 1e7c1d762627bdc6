/**
 * What the Freeze and Extract dialogs share: a body that shows the server's
 * preview (a `write: false` request) of the current choices, and enables the
 * dialog's action button only when that preview allows the action.
 */
import { Dialog } from '@jupyterlab/apputils';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';

export type PreviewState = 'loading' | 'ready' | 'error';

/**
 * The pauses (ms) before asking again for a preview that failed retryably:
 * about 7 s in all, longer than most cells a user runs "just before".
 */
export const BUSY_RETRY_DELAYS = [500, 1000, 2000, 4000];

/**
 * Whether the server refused because the notebook's kernel did not answer
 * (409: it is running a cell).
 */
export function isKernelBusy(error: unknown): boolean {
  return (error as ServerConnection.ResponseError)?.response?.status === 409;
}

/**
 * Resolves after `ms`, or at once when `signal` aborts.
 */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true }
    );
  });
}

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
   * Whether a failed preview is worth asking for again by itself: a kernel
   * busy running a cell answers once the cell ends (see BUSY_RETRY_DELAYS).
   */
  protected retryable(error: unknown): boolean {
    void error;
    return false;
  }

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
      const reply = await this._fetchRetrying(controller.signal);
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

  /**
   * The preview, asked again after each of BUSY_RETRY_DELAYS while it fails
   * retryably, so the user is asked to try again only when waiting did not help.
   */
  private async _fetchRetrying(signal: AbortSignal): Promise<TReply> {
    for (let attempt = 0; ; attempt++) {
      try {
        const reply = await this.fetchPreview(signal);
        this.retries = 0;
        return reply;
      } catch (error) {
        const delay = BUSY_RETRY_DELAYS[attempt];
        if (delay === undefined || signal.aborted || !this.retryable(error)) {
          this.retries = 0;
          throw error;
        }
        this.retries = attempt + 1;
        this.update();
        await wait(delay, signal);
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
  /**
   * How many times the current preview was asked again (0: first attempt).
   */
  protected retries = 0;
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
