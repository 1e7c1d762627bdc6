/**
 * The Readiness sidebar: score, checklist and findings of the current notebook.
 */
import type { NotebookPanel, INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, refreshIcon, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { CommandIDs } from './commands';
import type { JumpTarget } from './jump';
import { readinessIcon, severityIcons } from './icons';
import { showDiff } from './output-diff';
import { RehearsalSection } from './rehearsal-section';
import { scoreLevel } from './score';
import { IReadiness, IRehearsals } from './tokens';
import type {
  CheckReply,
  ChecklistItem,
  Finding,
  ItemStatus,
  KernelStatus
} from './types';

export const PANEL_ID = 'readiness-panel';

export interface IPanelOptions {
  readiness: IReadiness;
  tracker: INotebookTracker;
  trans: TranslationBundle;
  onJump: (panel: NotebookPanel, target: JumpTarget) => void;
  /**
   * Run one of the notebook actions (FINDING_ACTIONS) on the current notebook.
   */
  onAction: (command: string) => void;
  /**
   * The rehearsals (when the rehearse plugin is there): the sidebar shows
   * their progress and the notebook's last rehearsal.
   */
  rehearsals?: IRehearsals | null;
}

/**
 * Findings whose outputs' diff the last rehearsal kept.
 */
const DIFF_CHECKS = new Set(['output-mismatch', 'nondeterministic-output']);

/**
 * Findings that an action settles, and the button their row offers for it.
 */
const FINDING_ACTIONS: Record<
  string,
  { command: string; className: string; label: string; title: string }
> = {
  'unpinned-import': {
    command: CommandIDs.freezeEnv,
    className: 'readiness-freeze-button',
    label: 'Freeze environment',
    title: 'Pin what the notebook imports at the exact installed versions'
  },
  'unpinned-install': {
    command: CommandIDs.freezeEnv,
    className: 'readiness-freeze-button',
    label: 'Freeze environment',
    title: 'Pin what the notebook imports at the exact installed versions'
  },
  'unpackaged-code': {
    command: CommandIDs.extractToModule,
    className: 'readiness-extract-button',
    label: 'Extract to module',
    title: 'Move the selected code cells into a function of a Python module'
  }
};

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
          onRehearse={() => props.onAction(CommandIDs.rehearse)}
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
  const grouped = groupFindings(reply);
  return (
    <>
      <div className="readiness-summary">
        <span
          className={`readiness-score readiness-level-${scoreLevel(reply.score)}`}
          data-readiness-score={reply.score}
        >
          {reply.score}
        </span>
        <span className="readiness-score-label">
          {trans.__('readiness score (of 100)')}
          <KernelLine status={reply.kernel.status} trans={trans} />
        </span>
      </div>
      <ul className="readiness-checklist">
        {reply.checklist.map(item => (
          <li
            key={item.id}
            className={`readiness-item readiness-status-${item.status}`}
            data-item={item.id}
          >
            <span className="readiness-item-status">
              {statusLabel(item.status, trans)}
            </span>
            <span className="readiness-item-title">{item.title}</span>
            {item.findings > 0 && (
              <span className="readiness-item-count">{item.findings}</span>
            )}
          </li>
        ))}
      </ul>
      {reply.findings.length === 0 ? (
        <p className="readiness-clean">{trans.__('No findings.')}</p>
      ) : (
        grouped.map(([title, findings]) => (
          <section key={title} className="readiness-group">
            <h3 className="readiness-group-title">{title}</h3>
            <ul className="readiness-findings">
              {findings.map((finding, i) => (
                <FindingRow key={i} {...props} finding={finding} />
              ))}
            </ul>
          </section>
        ))
      )}
    </>
  );
}

/**
 * Findings under the checklist item their check belongs to, in checklist order.
 */
function groupFindings(reply: CheckReply): Array<[string, Finding[]]> {
  const itemOf = new Map<string, ChecklistItem>();
  for (const item of reply.checklist) {
    for (const check of item.checks) {
      itemOf.set(check, item);
    }
  }
  const groups = new Map<string, Finding[]>();
  for (const item of reply.checklist) {
    groups.set(item.title, []);
  }
  for (const finding of reply.findings) {
    // A check the checklist does not list still shows, under its own id.
    const title = itemOf.get(finding.check)?.title ?? finding.check;
    groups.set(title, [...(groups.get(title) ?? []), finding]);
  }
  return [...groups].filter(([, findings]) => findings.length > 0);
}

function FindingRow(
  props: IPanelOptions & {
    panel: NotebookPanel;
    reply: CheckReply;
    finding: Finding;
  }
): JSX.Element {
  const { finding, panel, trans, onJump, onAction } = props;
  const action = FINDING_ACTIONS[finding.check];
  const diff = DIFF_CHECKS.has(finding.check)
    ? props.reply.rehearsal?.diffs.find(
        d => d.cell_index === finding.cell_index && d.check === finding.check
      )
    : undefined;
  const Icon = severityIcons[finding.severity];
  const where =
    finding.cell_index === null
      ? trans.__('notebook')
      : finding.line === null
        ? trans.__('cell %1', finding.cell_index)
        : trans.__('cell %1, line %2', finding.cell_index, finding.line);
  return (
    <li
      className={`readiness-finding readiness-severity-${finding.severity}`}
      data-check={finding.check}
      data-cell-index={finding.cell_index ?? ''}
      tabIndex={0}
      role="button"
      title={trans.__('Go to the cell')}
      onClick={() => onJump(panel, finding)}
      onKeyDown={event => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onJump(panel, finding);
        }
      }}
    >
      <Icon.react
        tag="span"
        className="readiness-finding-icon"
        title={finding.severity}
      />
      <div className="readiness-finding-text">
        <div className="readiness-finding-message">{finding.message}</div>
        <div className="readiness-finding-meta">
          <span className="readiness-finding-where">{where}</span>
          <span className="readiness-finding-check">{finding.check}</span>
        </div>
        {finding.suggestion && (
          <div className="readiness-finding-suggestion">
            {finding.suggestion}
          </div>
        )}
        {action && (
          <button
            className={`readiness-action-button ${action.className}`}
            title={trans.__(action.title)}
            onClick={event => {
              // The row's own click jumps to the cell.
              event.stopPropagation();
              onAction(action.command);
            }}
            onKeyDown={event => {
              // Enter and Space press this button, not the row around it.
              event.stopPropagation();
            }}
          >
            {trans.__(action.label)}
          </button>
        )}
        {diff && (
          <button
            className="readiness-action-button readiness-diff-button"
            title={trans.__('Show how the outputs differ')}
            onClick={event => {
              event.stopPropagation();
              void showDiff(diff, trans);
            }}
            onKeyDown={event => {
              event.stopPropagation();
            }}
          >
            {trans.__('Show diff')}
          </button>
        )}
      </div>
    </li>
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

function statusLabel(status: ItemStatus, trans: TranslationBundle): string {
  switch (status) {
    case 'pass':
      return trans.__('pass');
    case 'info':
      return trans.__('info');
    case 'warn':
      return trans.__('warn');
    case 'fail':
      return trans.__('fail');
    case 'skipped':
      return trans.__('skipped');
  }
}
