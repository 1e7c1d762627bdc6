import type { NotebookPanel } from '@jupyterlab/notebook';
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';

import type { CheckReply } from './types';

/**
 * The latest readiness report of each open notebook, kept up to date by the
 * core plugin; the sidebar, cell markers and toolbar item render from it.
 */
export interface IReadiness {
  /**
   * Emitted with the notebook whose state changed.
   */
  readonly changed: ISignal<IReadiness, NotebookPanel>;

  /**
   * The state of a notebook (undefined for one that is not a tracked notebook).
   */
  stateOf(panel: NotebookPanel): IReadiness.IState | undefined;

  /**
   * Check a notebook now, superseding any check of it in flight.
   */
  check(panel: NotebookPanel): Promise<void>;
}

export namespace IReadiness {
  export interface IState {
    /**
     * The last reply, kept while a newer check runs or after it failed.
     */
    reply: CheckReply | null;
    /**
     * Why the last check failed (HTTP or network error), or null.
     */
    error: string | null;
    /**
     * Whether a check is in flight.
     */
    checking: boolean;
  }
}

export const IReadiness = new Token<IReadiness>(
  'jupyterlab-readiness:IReadiness',
  'Readiness reports of the open notebooks.'
);

/**
 * The user settings of the core plugin (schema/plugin.json).
 */
export interface IReadinessSettings {
  autoCheck: boolean;
  debounceMs: number;
  disabledChecks: string[];
}
