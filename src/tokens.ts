import type { NotebookPanel } from '@jupyterlab/notebook';
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';

import type {
  CellProgress,
  CheckReply,
  Fix,
  RehearseJob,
  RehearseReply
} from './types';

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

  /**
   * Each cell's source as the check that offered `fix` read it, by cell id
   * (`#index` for a cell without one); undefined for a fix of no check reply.
   * A fix rewrites what it read: applied over a cell edited since, it would
   * undo the edit.
   */
  sourcesOf(fix: Fix): ReadonlyMap<string, string> | undefined;
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

/**
 * The rehearsals started from this page, one per notebook at a time: their
 * progress while they run and their reply once finished. The sidebar shows
 * them; the results come back as findings through the next check (the server
 * writes the rehearsal's record beside the notebook).
 */
export interface IRehearsals {
  /**
   * Emitted with the notebook whose rehearsal changed (on every poll while it runs).
   */
  readonly changed: ISignal<IRehearsals, NotebookPanel>;

  /**
   * The notebook's rehearsal in this page, if one was started.
   */
  stateOf(panel: NotebookPanel): IRehearsals.IState | undefined;

  /**
   * Whether a rehearsal of the notebook is starting or running.
   */
  isRunning(panel: NotebookPanel): boolean;

  /**
   * Rehearse the notebook as it is in the editor (unsaved edits count).
   */
  start(panel: NotebookPanel, options: IRehearsals.IOptions): Promise<void>;

  /**
   * Cancel the notebook's running rehearsal.
   */
  cancel(panel: NotebookPanel): Promise<void>;
}

export namespace IRehearsals {
  export interface IOptions {
    /**
     * Name → value text, overriding the `parameters` cell's values.
     */
    parameters: Record<string, string>;
    runs: 1 | 2;
    /**
     * Seconds for the whole rehearsal, and for each cell; 0: no limit.
     */
    timeout: number;
    cellTimeout: number;
    /**
     * Run in the notebook's real folder (its files are changed).
     */
    inPlace: boolean;
  }

  export interface IState {
    /**
     * The job's latest status (null until the server answered the start).
     */
    job: RehearseJob | null;
    /**
     * Every cell finished so far, both runs, in order.
     */
    finished: CellProgress[];
    /**
     * The reply, once the job finished.
     */
    reply: RehearseReply | null;
    /**
     * Why starting or following the job failed, or null.
     */
    error: string | null;
    /**
     * The ids of the notebook's cells as sent (cell_index → id), to find a
     * cell after edits moved it.
     */
    cellIds: Array<string | null>;
  }
}

export const IRehearsals = new Token<IRehearsals>(
  'jupyterlab-readiness:IRehearsals',
  'Rehearsals (two fresh runs in new kernels) of the open notebooks.'
);
