/**
 * Rehearse notebook: a dialog asks for the parameters (the `parameters`
 * cell's values, editable), the runs, the time limits and whether to run in
 * place; the server then runs the notebook, as it is in the editor, top to
 * bottom in a new kernel, twice, in a scratch copy of its folder. The sidebar
 * shows the progress (run, cell i of n, elapsed; the running cell is
 * highlighted in the notebook) with a Cancel button, and the outcome; the
 * findings come back on their cells through the next check, which reads the
 * record the rehearsal wrote beside the notebook.
 */
import { Dialog, Notification } from '@jupyterlab/apputils';
import type { Cell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Signal } from '@lumino/signaling';
import * as React from 'react';

import {
  cancelRehearsal,
  RequestError,
  rehearsalStatus,
  startRehearsal
} from './api';
import { messageOf } from './preview';
import { liveNotebook } from './slim';
import { IReadiness, IRehearsals } from './tokens';
import type {
  CellBaseline,
  CellProgress,
  CellTiming,
  OutputDiff,
  RehearsalSummary,
  RehearseJob,
  RehearseReply
} from './types';

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
export const CURRENT_CELL = 'readiness-rehearse-current';

export const SECTION_ID = 'readiness-rehearse';

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
    const requestedAt = performance.now();
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
      ),
      requestedAt
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
    const running =
      job !== null &&
      state.reply === null &&
      state.error === null &&
      job.phase === 'cell-started' &&
      job.cell_index !== null;
    const target = running ? cellAt(panel, state, job.cell_index!) : null;
    for (const cell of panel.content.widgets) {
      if (cell === target) {
        cell.addClass(CURRENT_CELL);
        cell.node.dataset.readinessRun = String(job!.run);
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

/**
 * The cell at `index` in the notebook as it was sent (found by its id when
 * cells were added or moved since).
 */
export function cellAt(
  panel: NotebookPanel,
  state: IRehearsals.IState,
  index: number
): Cell | null {
  const cells = panel.content.widgets;
  const id = state.cellIds[index];
  if (id) {
    const byId = cells.find(cell => cell.model.id === id);
    if (byId) {
      return byId;
    }
  }
  return cells[index] ?? null;
}

// ------------------------------------------------------------------ the dialog

export interface IParameter {
  name: string;
  /**
   * The value's text in the `parameters` cell.
   */
  value: string;
}

/**
 * The assignments `name = value` of the first cell tagged `parameters`
 * (papermill's convention); null when no cell is tagged.
 */
export function parametersOf(panel: NotebookPanel): IParameter[] | null {
  const cells = panel.content.model?.sharedModel.cells ?? [];
  const cell = cells.find(c => {
    const tags = c.getMetadata('tags');
    return Array.isArray(tags) && tags.includes('parameters');
  });
  if (!cell) {
    return null;
  }
  return parseParameters(cell.getSource());
}

export function parseParameters(source: string): IParameter[] {
  const found = new Map<string, string>();
  for (const line of source.split('\n')) {
    const match =
      /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*[^=]+?)?\s*=(?!=)\s*(.*)$/.exec(line);
    if (match) {
      const value = withoutComment(match[2]).trim();
      if (value) {
        found.set(match[1], value);
      }
    }
  }
  return [...found].map(([name, value]) => ({ name, value }));
}

/**
 * The text before a `#` that is not inside a string.
 */
function withoutComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') {
        i++;
      } else if (c === quote) {
        quote = null;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#') {
      return text.slice(0, i);
    }
  }
  return text;
}

/**
 * The dialog's body: the parameters, the runs, the time limits and "in place".
 */
export class RehearseForm
  extends ReactWidget
  implements Dialog.IBodyWidget<IRehearsals.IOptions>
{
  constructor(
    private readonly _parameters: IParameter[] | null,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Readiness');
    this.addClass('readiness-rehearse-form');
    for (const { name, value } of _parameters ?? []) {
      this._values[name] = value;
    }
  }

  /**
   * Only the parameters whose text was changed are sent: the saved outputs
   * are compared only when the notebook runs with its own values.
   */
  getValue(): IRehearsals.IOptions {
    const parameters: Record<string, string> = {};
    for (const { name, value } of this._parameters ?? []) {
      const text = (this._values[name] ?? '').trim();
      if (text && text !== value) {
        parameters[name] = text;
      }
    }
    return {
      parameters,
      runs: this._runs,
      timeout: seconds(this._timeout, 3600),
      cellTimeout: seconds(this._cellTimeout, 600),
      inPlace: this._inPlace
    };
  }

  protected render(): JSX.Element {
    const trans = this._trans;
    const parameters = this._parameters;
    return (
      <div className="readiness-rehearse-body">
        <p className="readiness-rehearse-intro">
          {trans.__(
            'Runs the notebook as it is in the editor top to bottom in a new kernel, then again in another, in a scratch copy of its folder, and compares the outputs and the files. Your kernel is not touched.'
          )}
        </p>
        <fieldset className="readiness-rehearse-parameters">
          <legend>{trans.__('Parameters')}</legend>
          {parameters === null ? (
            <p className="readiness-rehearse-note">
              {trans.__(
                'No cell is tagged "parameters": the notebook runs with its own values.'
              )}
            </p>
          ) : parameters.length === 0 ? (
            <p className="readiness-rehearse-note">
              {trans.__('The "parameters" cell assigns no value.')}
            </p>
          ) : (
            parameters.map(({ name, value }) => (
              <label key={name} className="readiness-rehearse-control">
                <code>{name}</code>
                <input
                  className="jp-mod-styled readiness-rehearse-parameter"
                  data-name={name}
                  value={this._values[name] ?? ''}
                  placeholder={value}
                  title={trans.__(
                    'A Python literal (3, 0.5, True, "text", [1, 2]); anything else is a string'
                  )}
                  onChange={event => {
                    this._values[name] = event.currentTarget.value;
                    this.update();
                  }}
                />
              </label>
            ))
          )}
        </fieldset>
        <div className="readiness-rehearse-limits">
          <label className="readiness-rehearse-control">
            <span>{trans.__('Fresh runs')}</span>
            <select
              className="jp-mod-styled readiness-rehearse-runs"
              value={String(this._runs)}
              onChange={event => {
                this._runs = event.currentTarget.value === '1' ? 1 : 2;
                this.update();
              }}
            >
              <option value="2">
                {trans.__('2 (compare the runs and the files they leave)')}
              </option>
              <option value="1">{trans.__('1')}</option>
            </select>
          </label>
          <label className="readiness-rehearse-control">
            <span>{trans.__('Time limit (s, 0: none)')}</span>
            <input
              type="number"
              min={0}
              className="jp-mod-styled readiness-rehearse-timeout"
              value={this._timeout}
              onChange={event => {
                this._timeout = event.currentTarget.value;
                this.update();
              }}
            />
          </label>
          <label className="readiness-rehearse-control">
            <span>{trans.__('Per cell (s, 0: none)')}</span>
            <input
              type="number"
              min={0}
              className="jp-mod-styled readiness-rehearse-cell-timeout"
              value={this._cellTimeout}
              onChange={event => {
                this._cellTimeout = event.currentTarget.value;
                this.update();
              }}
            />
          </label>
        </div>
        <label className="readiness-rehearse-control readiness-rehearse-check">
          <input
            type="checkbox"
            className="readiness-rehearse-in-place"
            checked={this._inPlace}
            onChange={event => {
              this._inPlace = event.currentTarget.checked;
              this.update();
            }}
          />
          <span>
            {trans.__('In place: run in the real folder, not a copy')}
          </span>
        </label>
        {this._inPlace && (
          <div
            className="readiness-error readiness-rehearse-warning"
            role="alert"
          >
            {trans.__(
              'The files the notebook writes in its folder will be changed, by both runs. Use this only when the folder is too large to copy or the notebook must run where it is.'
            )}
          </div>
        )}
      </div>
    );
  }

  private readonly _values: Record<string, string> = {};
  private _runs: 1 | 2 = 2;
  private _timeout = '3600';
  private _cellTimeout = '600';
  private _inPlace = false;
}

function seconds(text: string, fallback: number): number {
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/**
 * Ask for the rehearsal's options; null when the user cancels.
 */
export async function askRehearsal(
  panel: NotebookPanel,
  trans: TranslationBundle
): Promise<IRehearsals.IOptions | null> {
  const body = new RehearseForm(parametersOf(panel), trans);
  const dialog = new Dialog<IRehearsals.IOptions>({
    title: trans.__('Rehearse notebook'),
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({
        label: trans.__('Rehearse'),
        caption: trans.__('Start the rehearsal')
      })
    ],
    focusNodeSelector: '.readiness-rehearse-runs'
  });
  dialog.addClass('readiness-rehearse-dialog');
  try {
    const result = await dialog.launch();
    return result.button.accept ? result.value : null;
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------ the sidebar

export interface ISectionProps {
  panel: NotebookPanel;
  rehearsals: IRehearsals;
  /**
   * The notebook's last check reply's rehearsal (null: never rehearsed).
   */
  last: RehearsalSummary | null;
  trans: TranslationBundle;
  onRehearse: () => void;
  onJump: (cellIndex: number, cellId: string | null) => void;
}

/**
 * The sidebar's Rehearsal section: the progress of a running rehearsal, the
 * outcome of the last one started here, when the notebook was last
 * rehearsed, and its per-cell time and memory.
 */
export function RehearsalSection(props: ISectionProps): JSX.Element {
  const { panel, rehearsals } = props;
  return (
    <UseSignal
      signal={rehearsals.changed}
      shouldUpdate={(_, changed) => changed === panel}
    >
      {() => <SectionBody {...props} state={rehearsals.stateOf(panel)} />}
    </UseSignal>
  );
}

function SectionBody(
  props: ISectionProps & { state: IRehearsals.IState | undefined }
): JSX.Element {
  const { state, last, trans, rehearsals, panel, onRehearse } = props;
  const running = rehearsals.isRunning(panel);
  return (
    <section
      id={SECTION_ID}
      className="readiness-rehearse"
      data-state={running ? 'running' : 'idle'}
    >
      <header className="readiness-rehearse-header">
        <h3 className="readiness-group-title">{trans.__('Rehearsal')}</h3>
        {!running && (
          <button
            className="readiness-action-button readiness-rehearse-button"
            title={trans.__(
              'Run the notebook twice in fresh kernels and compare'
            )}
            onClick={onRehearse}
          >
            {trans.__('Rehearse')}
          </button>
        )}
      </header>
      {running && state && (
        <ProgressView
          state={state}
          trans={trans}
          onCancel={() => void rehearsals.cancel(panel)}
        />
      )}
      {state?.error && (
        <div className="readiness-error readiness-rehearse-error" role="alert">
          {state.error}
        </div>
      )}
      {state?.reply && (
        <Outcome
          reply={state.reply}
          jobId={state.job?.job_id ?? ''}
          trans={trans}
        />
      )}
      <LastRehearsal last={last} trans={trans} />
      {last?.applies && last.cells.length > 0 && (
        <CellTable cells={last.cells} trans={trans} onJump={props.onJump} />
      )}
    </section>
  );
}

function ProgressView(props: {
  state: IRehearsals.IState;
  trans: TranslationBundle;
  onCancel: () => void;
}): JSX.Element {
  const { state, trans, onCancel } = props;
  const job = state.job;
  const cancelling = job?.state === 'cancelling';
  const done = job
    ? Math.max(0, job.run - 1) * job.cells +
      (job.phase === 'cell-finished'
        ? job.position
        : Math.max(0, job.position - 1))
    : 0;
  const total = job ? job.runs * Math.max(job.cells, 1) : 1;
  const latest: CellProgress | undefined =
    state.finished[state.finished.length - 1];
  return (
    <div
      className="readiness-rehearse-progress"
      role="status"
      data-job-id={job?.job_id ?? ''}
      data-state={job?.state ?? 'starting'}
      data-phase={job?.phase ?? 'starting'}
      data-run={job?.run ?? 0}
      data-position={job?.position ?? 0}
      data-cells={job?.cells ?? 0}
      data-cell-index={
        job?.phase === 'cell-started' && job.cell_index !== null
          ? job.cell_index
          : ''
      }
    >
      <div className="readiness-rehearse-line">
        {cancelling ? trans.__('Cancelling…') : phaseText(job, trans)}
      </div>
      <progress
        className="readiness-rehearse-bar"
        max={total}
        value={Math.min(done, total)}
      />
      <div className="readiness-rehearse-meta">
        <span className="readiness-rehearse-elapsed">
          {job ? trans.__('%1 s', job.elapsed.toFixed(1)) : ''}
        </span>
        {latest && (
          <span className="readiness-rehearse-latest">
            {trans.__(
              'cell %1: %2',
              latest.cell_index,
              timingText(latest, trans)
            )}
          </span>
        )}
      </div>
      <button
        className="readiness-action-button readiness-rehearse-cancel"
        disabled={cancelling || !job}
        onClick={onCancel}
      >
        {trans.__('Cancel')}
      </button>
    </div>
  );
}

function phaseText(job: RehearseJob | null, trans: TranslationBundle): string {
  if (!job) {
    return trans.__('Starting…');
  }
  switch (job.phase) {
    case 'started':
      return trans.__('Preparing…');
    case 'copying':
      return trans.__('Copying the folder to a scratch folder…');
    case 'kernel-starting':
      return trans.__(
        'Run %1 of %2: starting a new kernel…',
        job.run,
        job.runs
      );
    case 'cell-started':
    case 'cell-finished':
      return trans.__(
        'Run %1 of %2: cell %3 of %4 (cell %5)',
        job.run,
        job.runs,
        job.position,
        job.cells,
        job.cell_index ?? ''
      );
    case 'comparing':
      return trans.__('Comparing the runs…');
    case 'finished':
      return trans.__('Finishing…');
  }
}

function Outcome(props: {
  reply: RehearseReply;
  jobId: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { reply, jobId, trans } = props;
  const findings = reply.findings.length;
  const text = {
    passed: trans.__('Passed in %1 s.', reply.seconds.toFixed(1)),
    failed: trans._n(
      'Failed: %1 finding, shown on its cell.',
      'Failed: %1 findings, shown on their cells.',
      findings
    ),
    cancelled: trans.__(
      'Cancelled after %1 s: nothing recorded.',
      reply.seconds.toFixed(1)
    ),
    error: trans.__('Could not rehearse: %1', reply.error ?? '')
  }[reply.status];
  return (
    <div
      className={`readiness-rehearse-result readiness-rehearse-${reply.status}`}
      data-status={reply.status}
      data-job-id={jobId}
      role="status"
    >
      <div className="readiness-rehearse-result-text">{text}</div>
      {reply.status === 'passed' && findings > 0 && (
        <div className="readiness-rehearse-note">
          {trans._n(
            '%1 finding below the error level.',
            '%1 findings below the error level.',
            findings
          )}
        </div>
      )}
      {reply.first_cell_seconds !== null && (
        <div className="readiness-rehearse-note">
          {trans.__(
            'The first cell started %1 s after the start.',
            reply.first_cell_seconds.toFixed(2)
          )}
        </div>
      )}
      {reply.notes.length > 0 && (
        <ul className="readiness-rehearse-notes">
          {reply.notes.map((note, i) => (
            <li key={i}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function LastRehearsal(props: {
  last: RehearsalSummary | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { last, trans } = props;
  if (!last) {
    return (
      <p className="readiness-rehearse-last" data-rehearsed="false">
        {trans.__(
          'Never rehearsed: nothing yet shows that it runs top to bottom in a fresh kernel.'
        )}
      </p>
    );
  }
  const when = new Date(last.rehearsed_at).toLocaleString();
  return (
    <p
      className="readiness-rehearse-last"
      data-rehearsed="true"
      data-passed={String(last.passed)}
      data-applies={String(last.applies)}
      title={last.rehearsed_at}
    >
      {last.passed
        ? trans._n(
            'Last rehearsed %2: passed (%1 run, %3 s).',
            'Last rehearsed %2: passed (%1 runs, %3 s).',
            last.runs,
            when,
            last.seconds.toFixed(1)
          )
        : trans._n(
            'Last rehearsed %2: failed (%1 run, %3 s).',
            'Last rehearsed %2: failed (%1 runs, %3 s).',
            last.runs,
            when,
            last.seconds.toFixed(1)
          )}
      {last.in_place && ' ' + trans.__('In place.')}
      {!last.applies &&
        ' ' +
          trans.__(
            'The code changed since: its results are not shown. Rehearse again.'
          )}
    </p>
  );
}

/**
 * Per code cell: time and peak memory of each run (the last rehearsal's).
 */
function CellTable(props: {
  cells: CellBaseline[];
  trans: TranslationBundle;
  onJump: (cellIndex: number, cellId: string | null) => void;
}): JSX.Element {
  const { cells, trans, onJump } = props;
  const runs = Math.max(...cells.map(c => c.runs.length));
  return (
    <table className="readiness-rehearse-cells">
      <thead>
        <tr>
          <th>{trans.__('cell')}</th>
          {Array.from({ length: runs }, (_, i) => (
            <th key={i}>{trans.__('run %1', i + 1)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {cells.map(cell => (
          <tr
            key={cell.cell_index}
            data-cell-index={cell.cell_index}
            tabIndex={0}
            title={trans.__('Go to the cell')}
            onClick={() => onJump(cell.cell_index, cell.cell_id)}
            onKeyDown={event => {
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                onJump(cell.cell_index, cell.cell_id);
              }
            }}
          >
            <td>{cell.cell_index}</td>
            {cell.runs.map((timing, i) => (
              <td
                key={i}
                className={`readiness-rehearse-timing readiness-rehearse-status-${timing.status}`}
                data-run={i + 1}
              >
                {timingText(timing, trans)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * "ok 0.42 s, 85 MiB": a cell's status (when not ok), time and peak memory.
 */
export function timingText(
  timing: Pick<CellTiming, 'status' | 'seconds' | 'peak_memory'>,
  trans: TranslationBundle
): string {
  const parts: string[] = [];
  if (timing.status !== 'ok') {
    parts.push(timing.status);
  }
  if (timing.seconds !== null) {
    parts.push(
      trans.__(
        '%1 s',
        timing.seconds < 10
          ? timing.seconds.toFixed(2)
          : timing.seconds.toFixed(1)
      )
    );
  }
  if (timing.peak_memory !== null) {
    parts.push(trans.__('%1 MiB', Math.round(timing.peak_memory / 2 ** 20)));
  }
  return parts.join(', ');
}

// ------------------------------------------------------------------ diffs

/**
 * Show the outputs' diff behind an output-mismatch or nondeterministic-output.
 */
export async function showDiff(
  diff: OutputDiff,
  trans: TranslationBundle
): Promise<void> {
  const body = ReactWidget.create(
    <div className="jp-Readiness readiness-rehearse-diff-body">
      <p>
        {trans.__(
          'Cell %1: %2 against %3, after sanitising (addresses, ids, times and temporary paths do not count).',
          diff.cell_index,
          diff.before,
          diff.after
        )}
      </p>
      <pre className="readiness-diff readiness-rehearse-diff">
        {diff.diff.split('\n').map((line, i) => (
          <span
            key={i}
            className={`readiness-diff-line readiness-diff-${diffClass(line)}`}
          >
            {line}
          </span>
        ))}
      </pre>
    </div>
  );
  const dialog = new Dialog({
    title: trans.__('Output diff'),
    body,
    buttons: [Dialog.okButton({ label: trans.__('Close') })]
  });
  dialog.addClass('readiness-rehearse-diff-dialog');
  try {
    await dialog.launch();
  } catch {
    // disposed unanswered: nothing to do
  }
}

function diffClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) {
    return 'gap';
  }
  if (line.startsWith('+')) {
    return 'add';
  }
  if (line.startsWith('-')) {
    return 'remove';
  }
  return line.startsWith('@@') ? 'gap' : 'same';
}
