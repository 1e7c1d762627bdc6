/**
 * The Readiness sidebar: score, checklist and findings of the current notebook.
 */
import type { NotebookPanel, INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, refreshIcon, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { CommandRegistry } from '@lumino/commands';

import { ChangeLine } from './coach/changeline';
import { changesOf } from './coach/changes';
import { CoachFindings } from './coach/findings';
import { CommandIDs } from './commands';
import { readinessIcon } from './icons';
import type { JumpTarget } from './jump';
import { RehearsalSection } from './rehearsal-section';
import { bandText, scoreLevel } from './score';
import { IReadiness, IRehearsals } from './tokens';
import type { CheckReply, KernelStatus } from './types';
import { VerdictHead } from './verdict';

export const PANEL_ID = 'readiness-panel';

export interface IPanelOptions {
  readiness: IReadiness;
  tracker: INotebookTracker;
  trans: TranslationBundle;
  onJump: (panel: NotebookPanel, target: JumpTarget) => void;
  /**
   * Runs the commands a fix or a contract clause names.
   */
  commands: CommandRegistry;
  /**
   * The rehearsals (when the rehearse plugin is there): the sidebar shows
   * their progress and the notebook's last rehearsal.
   */
  rehearsals?: IRehearsals | null;
}

export class ReadinessPanel extends ReactWidget {
  constructor(private readonly _options: IPanelOptions) {
    super();
    this.id = PANEL_ID;
    this.addClass('jp-Readiness');
    this.addClass('readiness-panel');
    this.title.icon = readinessIcon;
    this.title.caption = _options.trans.__('Readiness');
  }

  protected render(): JSX.Element {
    const { readiness, tracker } = this._options;
    return (
      <UseSignal signal={tracker.currentChanged}>
        {() => (
          <UseSignal
            signal={readiness.changed}
            shouldUpdate={(_, panel) => panel === tracker.currentWidget}
          >
            {() => (
              <PanelBody {...this._options} panel={tracker.currentWidget} />
            )}
          </UseSignal>
        )}
      </UseSignal>
    );
  }
}

function PanelBody(
  props: IPanelOptions & { panel: NotebookPanel | null }
): JSX.Element {
  const { panel, readiness, trans } = props;
  if (!panel) {
    return (
      <div className="readiness-empty">
        <readinessIcon.react tag="span" className="readiness-empty-icon" />
        <p>{trans.__('Open a notebook to check its readiness.')}</p>
      </div>
    );
  }
  const state = readiness.stateOf(panel);
  const reply = state?.reply ?? null;
  return (
    <div className="readiness-body">
      <header className="readiness-header">
        <div className="readiness-title" title={panel.context.path}>
          {panel.title.label}
        </div>
        <div className="readiness-actions">
          {state?.checking && (
            <span className="readiness-checking">{trans.__('Checking…')}</span>
          )}
          <button
            className="jp-ToolbarButtonComponent jp-mod-minimal jp-Button readiness-recheck"
            title={trans.__('Check now')}
            aria-label={trans.__('Check now')}
            onClick={() => void readiness.check(panel)}
          >
            <refreshIcon.react tag="span" />
          </button>
        </div>
      </header>
      {state?.error && (
        <div className="readiness-error" role="alert">
          {state.error}
        </div>
      )}
      {props.rehearsals && (
        <RehearsalSection
          panel={panel}
          rehearsals={props.rehearsals}
          last={reply?.rehearsal ?? null}
          trans={trans}
          onRehearse={() => void props.commands.execute(CommandIDs.rehearse)}
          onJump={(cellIndex, cellId) =>
            props.onJump(panel, {
              cell_index: cellIndex,
              cell_id: cellId,
              line: null
            })
          }
        />
      )}
      {reply ? (
        <Report {...props} panel={panel} reply={reply} />
      ) : (
        !state?.error && (
          <p className="readiness-waiting">{trans.__('Not checked yet.')}</p>
        )
      )}
    </div>
  );
}

function Report(
  props: IPanelOptions & { panel: NotebookPanel; reply: CheckReply }
): JSX.Element {
  const { reply, trans } = props;
  if (reply.error) {
    return (
      <div className="readiness-error" role="alert">
        {trans.__('The notebook could not be checked: %1', reply.error)}
      </div>
    );
  }
  const changes = changesOf(props.panel, reply);
  return (
    <>
      <VerdictHead {...props} verdict={reply.contract} />
      <div className="readiness-summary">
        <span
          className={`readiness-score readiness-level-${scoreLevel(reply.band)}`}
          data-readiness-score={reply.score}
          data-readiness-band={reply.band}
        >
          {reply.score}
        </span>
        <span className="readiness-score-label">
          <span className="readiness-band">{bandText(reply, trans)}</span>
          <span className="readiness-score-meta">
            {trans.__('readiness score (of 100)')}
            {' · '}
            <KernelLine status={reply.kernel.status} trans={trans} />
          </span>
          {changes && (
            <ChangeLine changes={changes} reply={reply} trans={trans} />
          )}
        </span>
      </div>
      <CoachFindings {...props} />
    </>
  );
}

function KernelLine(props: {
  status: KernelStatus;
  trans: TranslationBundle;
}): JSX.Element {
  const { status, trans } = props;
  const text: Record<KernelStatus, string> = {
    ok: trans.__('Live kernel checked.'),
    busy: trans.__(
      'Kernel busy: live checks skipped, re-checked after the cell finishes.'
    ),
    dead: trans.__('Kernel dead: live checks skipped.'),
    unavailable: trans.__('Kernel unavailable: live checks skipped.'),
    'not-python': trans.__(
      'Not a Python kernel: language-agnostic checks only.'
    ),
    none: trans.__('No kernel: static checks only.')
  };
  return (
    <span
      className={`readiness-kernel readiness-kernel-${status}`}
      data-kernel-status={status}
    >
      {text[status]}
    </span>
  );
}
