/**
 * Keeps every open notebook's readiness report current: when a notebook opens
 * or becomes current, after each cell execution, on save, and (debounced)
 * while the user edits. One request per notebook at a time: a newer check
 * aborts the older, and an aborted check's reply is dropped.
 */
import {
  INotebookTracker,
  NotebookActions,
  NotebookPanel
} from '@jupyterlab/notebook';
import type { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import { checkNotebook } from './api';
import { cellSources } from './coach/edits';
import { liveNotebook } from './slim';
import { IReadiness, IReadinessSettings } from './tokens';
import type { Fix } from './types';

/**
 * Scheduling state of one notebook.
 */
interface IWatch {
  state: IReadiness.IState;
  controller: AbortController | null;
  timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Re-checks in a row answered "kernel busy" (the server skips the live
   * checks then, rather than wait); capped, as probing a kernel wakes it.
   */
  busyRetries: number;
  /**
   * Re-check when the kernel next reports idle.
   */
  retryOnIdle: boolean;
}

const MAX_BUSY_RETRIES = 3;
const BUSY_RETRY_MS = 500;

export class ReadinessChecker implements IReadiness {
  constructor(
    private readonly _tracker: INotebookTracker,
    private readonly _trans: TranslationBundle
  ) {
    _tracker.widgetAdded.connect((_, panel) => this._watch(panel));
    _tracker.currentChanged.connect((_, panel) => {
      // A notebook that is still loading is checked once it is ready.
      if (panel?.context.isReady) {
        this._auto(panel);
      }
    });
    NotebookActions.executed.connect((_, { notebook }) => {
      const panel = this._tracker.find(p => p.content === notebook);
      if (!panel) {
        return;
      }
      // During "run all" every cell reports in turn: an aborted request
      // still costs the server its work, so wait for the queue to drain.
      const queued = notebook.widgets.some(
        cell =>
          cell.model.type === 'code' &&
          (cell.model as ICodeCellModel).executionState === 'running'
      );
      if (queued) {
        this._debounce(panel);
      } else {
        this._auto(panel);
      }
    });
  }

  readonly changed: Signal<IReadiness, NotebookPanel> = new Signal(this);

  /**
   * Apply (new) settings. Changing the disabled checks re-checks every notebook.
   */
  configure(settings: IReadinessSettings): void {
    const before = this._settings;
    this._settings = settings;
    const disabledChanged =
      before.disabledChecks.join() !== settings.disabledChecks.join();
    if (disabledChanged || (settings.autoCheck && !before.autoCheck)) {
      this._watches.forEach((_, panel) => this._auto(panel));
    }
  }

  /**
   * Restrict `disable` to ids the server knows: it refuses a request naming
   * an unknown one, and a stale setting must not break every check.
   */
  setKnownChecks(ids: string[]): void {
    this._known = new Set(ids);
  }

  stateOf(panel: NotebookPanel): IReadiness.IState | undefined {
    return this._watches.get(panel)?.state;
  }

  sourcesOf(fix: Fix): ReadonlyMap<string, string> | undefined {
    return this._sources.get(fix);
  }

  async check(panel: NotebookPanel): Promise<void> {
    const watch = this._watches.get(panel);
    if (!watch) {
      return;
    }
    clearTimeout(watch.timer);
    watch.controller?.abort();
    const controller = new AbortController();
    watch.controller = controller;
    await panel.context.ready;
    if (controller.signal.aborted || panel.isDisposed) {
      return;
    }
    this._update(panel, watch, { checking: true });
    const { context, sessionContext } = panel;
    try {
      const notebook = liveNotebook(panel);
      const reply = await checkNotebook(
        {
          path: context.localPath,
          kernel_id: sessionContext.session?.kernel?.id ?? null,
          notebook,
          disable: this._disabled()
        },
        controller.signal
      );
      if (!controller.signal.aborted) {
        const sources = cellSources(notebook);
        for (const finding of reply.findings) {
          for (const fix of finding.fixes) {
            this._sources.set(fix, sources);
          }
        }
        this._update(panel, watch, { reply, error: null, checking: false });
        this._retryIfBusy(panel, watch, reply.kernel.status === 'busy');
      }
    } catch (error) {
      if (!controller.signal.aborted) {
        const message =
          (error as Error)?.message || this._trans.__('Unknown error');
        this._update(panel, watch, {
          error: this._trans.__('Check failed: %1', message),
          checking: false
        });
      }
    } finally {
      if (watch.controller === controller) {
        watch.controller = null;
      }
    }
  }

  private _watch(panel: NotebookPanel): void {
    const watch: IWatch = {
      state: { reply: null, error: null, checking: false },
      controller: null,
      timer: undefined,
      busyRetries: 0,
      retryOnIdle: false
    };
    this._watches.set(panel, watch);
    panel.disposed.connect(() => {
      clearTimeout(watch.timer);
      watch.controller?.abort();
      this._watches.delete(panel);
    });
    void panel.context.ready.then(() => {
      if (panel.isDisposed || !panel.content.model) {
        return;
      }
      const cells = panel.content.model.cells;
      // Source edits only: outputs and execution counts change on every run,
      // which `NotebookActions.executed` already answers without a delay.
      const onCellChange = (_: unknown, change: { sourceChange?: unknown }) => {
        if (change.sourceChange) {
          this._debounce(panel);
        }
      };
      const follow = (cell: ICellModel) =>
        cell.sharedModel.changed.connect(onCellChange);
      for (const cell of cells) {
        follow(cell);
      }
      cells.changed.connect((_, args) => {
        args.newValues.forEach(follow);
        this._debounce(panel);
      });
      panel.context.saveState.connect((_, state) => {
        if (state === 'completed') {
          this._auto(panel);
        }
      });
      // A kernel that starts (or is switched) after opening makes the live checks possible.
      panel.sessionContext.kernelChanged.connect(() => this._auto(panel));
      panel.sessionContext.statusChanged.connect((_, status) => {
        if (status === 'idle' && watch.retryOnIdle) {
          watch.retryOnIdle = false;
          this._retrySoon(panel, watch);
        }
      });
      this._auto(panel);
    });
  }

  private _auto(panel: NotebookPanel): void {
    if (this._settings.autoCheck) {
      void this.check(panel);
    }
  }

  private _debounce(panel: NotebookPanel): void {
    const watch = this._watches.get(panel);
    if (!watch || !this._settings.autoCheck) {
      return;
    }
    clearTimeout(watch.timer);
    watch.timer = setTimeout(
      () => void this.check(panel),
      this._settings.debounceMs
    );
  }

  /**
   * The server answered without the live checks because the kernel was busy:
   * check again once it is idle, a few times at most.
   */
  private _retryIfBusy(
    panel: NotebookPanel,
    watch: IWatch,
    busy: boolean
  ): void {
    watch.retryOnIdle = false;
    if (!busy) {
      watch.busyRetries = 0;
      return;
    }
    if (watch.busyRetries >= MAX_BUSY_RETRIES) {
      return;
    }
    watch.busyRetries++;
    if (panel.sessionContext.session?.kernel?.status === 'idle') {
      this._retrySoon(panel, watch);
    } else {
      watch.retryOnIdle = true;
    }
  }

  private _retrySoon(panel: NotebookPanel, watch: IWatch): void {
    if (!this._settings.autoCheck) {
      return;
    }
    clearTimeout(watch.timer);
    watch.timer = setTimeout(
      () => void this.check(panel),
      BUSY_RETRY_MS * watch.busyRetries
    );
  }

  private _disabled(): string[] {
    const known = this._known;
    return this._settings.disabledChecks.filter(id => !known || known.has(id));
  }

  private _update(
    panel: NotebookPanel,
    watch: IWatch,
    change: Partial<IReadiness.IState>
  ): void {
    watch.state = { ...watch.state, ...change };
    this.changed.emit(panel);
  }

  private _settings: IReadinessSettings = {
    autoCheck: true,
    debounceMs: 1000,
    disabledChecks: []
  };
  private _known: Set<string> | null = null;
  private readonly _watches = new Map<NotebookPanel, IWatch>();
  // (weak: a fix and what it read go with the reply that held them)
  private readonly _sources = new WeakMap<Fix, ReadonlyMap<string, string>>();
}
