/**
 * The sidebar's Rehearsal section: the progress of a running rehearsal (run,
 * cell i of n, elapsed, Cancel), the outcome of the last one started here,
 * when the notebook was last rehearsed and whether it passed, and its
 * per-cell time and memory.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { timingText } from './timing';
import type { IRehearsals } from './tokens';
import type {
  CellBaseline,
  CellProgress,
  RehearsalSummary,
  RehearseJob,
  RehearseReply
} from './types';

const SECTION_ID = 'readiness-rehearse';

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
        // Folded: a row per code cell would push the findings a screen down.
        <details className="readiness-rehearse-cells-fold">
          <summary>{trans.__('Time and memory per cell')}</summary>
          <CellTable cells={last.cells} trans={trans} onJump={props.onJump} />
        </details>
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
              latest.cell_index + 1,
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
      <p
        className="readiness-rehearse-last"
        data-rehearsed="false"
        title={trans.__(
          'Nothing yet shows that it runs top to bottom in a fresh kernel.'
        )}
      >
        {trans.__('Never rehearsed in a fresh kernel.')}
      </p>
    );
  }
  const when = new Date(last.rehearsed_at).toLocaleString();
  // `runs` is how many were asked for: the second is skipped when the first
  // fails, and the cells (while the record applies) say how many ran.
  const runs = last.cells.length
    ? Math.max(...last.cells.map(cell => cell.runs.length))
    : last.runs;
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
            runs,
            when,
            last.seconds.toFixed(1)
          )
        : trans._n(
            'Last rehearsed %2: failed (%1 run, %3 s).',
            'Last rehearsed %2: failed (%1 runs, %3 s).',
            runs,
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
