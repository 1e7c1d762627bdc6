/**
 * The rehearsals started from this page (IRehearsals): each starts a job on
 * the server with the notebook as it is in the editor (unsaved edits count,
 * rich outputs slimmed), polls its progress with `?since=` (only the cells
 * finished since the last poll), cancels it with DELETE, marks the cell it
 * runs, and once it is finished asks for a check, which brings the findings
 * of the record the rehearsal wrote to their cells.
 */
import { Notification } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import {
  cancelRehearsal,
  RequestError,
  rehearsalStatus,
  startRehearsal
} from './api';
import { cellOf } from './cells';
import { messageOf } from './preview';
import { liveNotebook } from './slim';
import type { IReadiness, IRehearsals } from './tokens';
import type { RehearseJob } from './types';

/**
 * How often a running job is asked for its progress.
 */
const POLL_MS = 250;

/**
 * Failed polls in a row (network errors) before giving up on a job.
 */
const MAX_POLL_FAILURES = 8;

/**
 * The class of the cell the rehearsal is running; its `data-readiness-run` is the run.
 */
const CURRENT_CELL = 'readiness-rehearse-current';

export class RehearsalManager implements IRehearsals {
  constructor(
    private readonly _readiness: IReadiness,
    private readonly _trans: TranslationBundle
  ) {}

  readonly changed: Signal<IRehearsals, NotebookPanel> = new Signal(this);

  stateOf(panel: NotebookPanel): IRehearsals.IState | undefined {
    return this._states.get(panel);
  }

  isRunning(panel: NotebookPanel): boolean {
    const state = this._states.get(panel);
    return !!state && state.reply === null && state.error === null;
  }

  async start(
    panel: NotebookPanel,
    options: IRehearsals.IOptions
  ): Promise<void> {
    if (this.isRunning(panel)) {
      return;
    }
    await panel.context.ready;
    const notebook = liveNotebook(panel);
    this._follow(panel);
    const state: IRehearsals.IState = {
      job: null,
      finished: [],
      reply: null,
      error: null,
      cellIds: notebook.cells.map(cell =>
        typeof cell.id === 'string' ? cell.id : null
      )
    };
    this._set(panel, state);
    let job: RehearseJob;
    try {
      job = await startRehearsal({
        path: panel.context.localPath,
        notebook,
        parameters: options.parameters,
        runs: options.runs,
        timeout: options.timeout,
        cell_timeout: options.cellTimeout,
        in_place: options.inPlace,
        kernel_name: null
      });
    } catch (error) {
      const running =
        error instanceof RequestError && error.response.status === 409
          ? error.data.job_id
          : undefined;
      if (typeof running !== 'string') {
        this._fail(panel, error);
        return;
      }
      // Already being rehearsed (another tab, or before a reload): follow that job.
      try {
        job = await rehearsalStatus(running, 0);
      } catch (again) {
        this._fail(panel, again);
        return;
      }
    }
    this._received(panel, job);
  }

  async cancel(panel: NotebookPanel): Promise<void> {
    const state = this._states.get(panel);
    if (!state?.job || state.reply) {
      return;
    }
    try {
      const job = await cancelRehearsal(state.job.job_id);
      const now = this._states.get(panel);
      if (now && !now.reply && now.job) {
        // The finished cells come with the next poll (it asks only for new ones).
        this._set(panel, {
          ...now,
          job: {
            ...now.job,
            state: job.state === 'finished' ? 'cancelling' : job.state
          }
        });
      }
    } catch (error) {
      Notification.error(
        this._trans.__(
          'The rehearsal could not be cancelled: %1',
          messageOf(error, this._trans)
        ),
        { autoClose: 5000 }
      );
    }
  }

  private _received(panel: NotebookPanel, job: RehearseJob): void {
    const state = this._states.get(panel);
    if (!state || panel.isDisposed) {
      return;
    }
    this._failures.set(panel, 0);
    const done = job.state === 'finished';
    const next: IRehearsals.IState = {
      ...state,
      job,
      finished: [...state.finished, ...job.finished_cells],
      reply: done ? job.reply : null
    };
    this._set(panel, next);
    this._highlight(panel, next);
    if (done) {
      // The record is written: the next check brings the findings to their cells.
      void this._readiness.check(panel);
      return;
    }
    this._schedule(panel);
  }

  private _schedule(panel: NotebookPanel): void {
    clearTimeout(this._timers.get(panel));
    this._timers.set(
      panel,
      setTimeout(() => void this._poll(panel), POLL_MS)
    );
  }

  private async _poll(panel: NotebookPanel): Promise<void> {
    const state = this._states.get(panel);
    if (!state?.job || state.reply || panel.isDisposed) {
      return;
    }
    let job: RehearseJob;
    try {
      job = await rehearsalStatus(state.job.job_id, state.finished.length);
    } catch (error) {
      const failures = (this._failures.get(panel) ?? 0) + 1;
      this._failures.set(panel, failures);
      const gone =
        error instanceof RequestError && error.response.status === 404;
      if (gone || failures >= MAX_POLL_FAILURES) {
        this._fail(panel, error);
      } else {
        this._schedule(panel);
      }
      return;
    }
    if (this._states.get(panel) === state) {
      this._received(panel, job);
    } else {
      // The state moved on meanwhile (a cancel's answer): poll again.
      this._schedule(panel);
    }
  }

  private _fail(panel: NotebookPanel, error: unknown): void {
    const state = this._states.get(panel);
    if (!state) {
      return;
    }
    const next = {
      ...state,
      error: this._trans.__('Rehearsal: %1', messageOf(error, this._trans))
    };
    this._set(panel, next);
    this._highlight(panel, next);
  }

  private _set(panel: NotebookPanel, state: IRehearsals.IState): void {
    this._states.set(panel, state);
    this.changed.emit(panel);
  }

  /**
   * Mark the cell the rehearsal runs now; unmark every other.
   */
  private _highlight(panel: NotebookPanel, state: IRehearsals.IState): void {
    if (panel.isDisposed) {
      return;
    }
    const job = state.job;
    const index =
      job &&
      state.reply === null &&
      state.error === null &&
      job.phase === 'cell-started'
        ? job.cell_index
        : null;
    // Found by its id as sent: cells added or moved since shift the index.
    const target =
      index === null
        ? null
        : cellOf(panel, {
            cell_index: index,
            cell_id: state.cellIds[index] ?? null
          });
    for (const cell of panel.content.widgets) {
      if (cell === target) {
        cell.addClass(CURRENT_CELL);
        cell.node.dataset.readinessRun = String(job?.run);
      } else if (cell.hasClass(CURRENT_CELL)) {
        cell.removeClass(CURRENT_CELL);
        delete cell.node.dataset.readinessRun;
      }
    }
  }

  private _follow(panel: NotebookPanel): void {
    if (this._followed.has(panel)) {
      return;
    }
    this._followed.add(panel);
    panel.disposed.connect(() => {
      clearTimeout(this._timers.get(panel));
      this._timers.delete(panel);
      this._states.delete(panel);
      this._failures.delete(panel);
      this._followed.delete(panel);
    });
  }

  private readonly _states = new Map<NotebookPanel, IRehearsals.IState>();
  private readonly _timers = new Map<
    NotebookPanel,
    ReturnType<typeof setTimeout>
  >();
  private readonly _failures = new Map<NotebookPanel, number>();
  private readonly _followed = new Set<NotebookPanel>();
}
