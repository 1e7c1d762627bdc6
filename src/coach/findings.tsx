/**
 * The sidebar's findings as a coach: the
 * checklist rows and severities as filters, a text filter, then the findings
 * most important first (errors under "Fix first"), one row per cause with
 * what follows from it folded under it, each with its fixes.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import { severityIcons } from '../icons';
import type { IReadiness } from '../tokens';
import type { CheckReply, Finding, Fix, ItemStatus, Severity } from '../types';
import { changesOf } from './changes';
import { fixAllSafe, hasSafeFix } from './fixall';
import { applyFixNow, previewAndFix } from './fixdialog';
import {
  findingKey,
  groupFindings,
  IFilter,
  NO_FILTER,
  SEVERITIES
} from './order';
import { showDiff } from '../output-diff';
import { whyUnavailable } from './unavailable';
import { waiveWithPreview } from './waive';
import { useCatalogue } from './catalogue';
import { findingPlace } from './where';

export interface ICoachProps {
  panel: NotebookPanel;
  reply: CheckReply;
  readiness: IReadiness;
  trans: TranslationBundle;
  commands: CommandRegistry;
  onJump: (panel: NotebookPanel, finding: Finding) => void;
}

/**
 * The classes the command buttons had before fixes named their commands:
 * DOM hooks that tests and user styles rely on, kept.
 */
const COMMAND_CLASSES: Record<string, string> = {
  'readiness:freeze-env': 'readiness-freeze-button',
  'readiness:extract-to-module': 'readiness-extract-button'
};

/**
 * A checklist chip's status as one mark (its word is the chip's tooltip and
 * what a screen reader says): seven chips then wrap into two or three lines.
 */
const STATUS_MARKS: Record<ItemStatus, string> = {
  pass: '✓',
  info: 'i',
  warn: '!',
  fail: '✗',
  skipped: '–'
};

/**
 * The id of the ignore fix every finding in a code cell carries.
 */
const IGNORE = 'ignore';

export function CoachFindings(props: ICoachProps): JSX.Element {
  const { panel, reply, trans } = props;
  const [filter, setFilter] = React.useState<IFilter>(NO_FILTER);
  const changes = changesOf(panel, reply);
  const fixable = reply.findings.filter(hasSafeFix).length;
  const groups = groupFindings(reply.findings, filter, reply.checklist);
  const catalogue = useCatalogue();
  const toggleSeverity = (severity: Severity) =>
    setFilter({
      ...filter,
      severities: filter.severities.includes(severity)
        ? filter.severities.filter(s => s !== severity)
        : [...filter.severities, severity]
    });
  return (
    <>
      <ul className="readiness-checklist" aria-label={trans.__('Checklist')}>
        {reply.checklist.map(item => (
          <li
            key={item.id}
            className={`readiness-item readiness-status-${item.status}`}
            data-item={item.id}
          >
            <button
              className="readiness-item-filter"
              aria-pressed={filter.item === item.id}
              title={trans.__('Show only the findings of this item')}
              onClick={() =>
                setFilter({
                  ...filter,
                  item: filter.item === item.id ? null : item.id
                })
              }
            >
              <span
                className="readiness-item-status"
                title={statusLabel(item.status, trans)}
              >
                <span aria-hidden="true">{STATUS_MARKS[item.status]}</span>
                <span className="readiness-sr-only">
                  {statusLabel(item.status, trans)}
                </span>
              </span>
              <span className="readiness-item-title" title={item.title}>
                {item.title}
              </span>
              {item.findings > 0 && (
                <span className="readiness-item-count">{item.findings}</span>
              )}
            </button>
          </li>
        ))}
      </ul>
      {reply.findings.length === 0 ? (
        <p className="readiness-clean">{trans.__('No findings.')}</p>
      ) : (
        <>
          <div className="readiness-filters">
            {SEVERITIES.map(severity => (
              <button
                key={severity}
                className="readiness-filter-severity"
                data-severity={severity}
                aria-pressed={filter.severities.includes(severity)}
                onClick={() => toggleSeverity(severity)}
              >
                {severityLabel(severity, trans)}{' '}
                {reply.findings.filter(f => f.severity === severity).length}
              </button>
            ))}
            <input
              type="search"
              className="readiness-filter-text jp-mod-styled"
              placeholder={trans.__('Filter findings')}
              aria-label={trans.__('Filter findings')}
              value={filter.text}
              onChange={event =>
                setFilter({ ...filter, text: event.target.value })
              }
            />
            {fixable > 0 && (
              <button
                className="readiness-action-button readiness-fix-all"
                title={trans.__(
                  'Apply every fix that keeps what the notebook computes, after a preview'
                )}
                onClick={() =>
                  void fixAllSafe(panel, reply.findings, props.readiness, trans)
                }
              >
                {trans._n('Fix %1 safely', 'Fix all %1 safely', fixable)}
              </button>
            )}
          </div>
          {groups.length === 0 && (
            <p className="readiness-filtered-out">
              {trans.__('No finding matches the filters.')}
            </p>
          )}
          {groups.map(group => (
            <details
              key={group.severity}
              className="readiness-group"
              data-severity={group.severity}
              open
            >
              <summary className="readiness-group-title">
                {groupTitle(group.severity, trans)}{' '}
                <span className="readiness-group-count">
                  {group.rows.length}
                </span>
              </summary>
              <ul className="readiness-findings">
                {group.rows.map((row, n) => {
                  const check = row.finding.check;
                  const rationale = catalogue.get(check)?.rationale;
                  // The why of a check, once per group: above its first row.
                  const first = group.rows.findIndex(
                    r => r.finding.check === check
                  );
                  return (
                    <React.Fragment key={findingKey(row.finding)}>
                      {rationale && first === n && (
                        <li
                          className="readiness-rationale"
                          data-rationale-of={check}
                        >
                          {rationale}
                        </li>
                      )}
                      <FindingRow
                        {...props}
                        finding={row.finding}
                        folded={row.folded}
                        live={catalogue.get(check)?.live ?? false}
                        isNew={
                          changes?.added.has(findingKey(row.finding)) ?? false
                        }
                      />
                    </React.Fragment>
                  );
                })}
              </ul>
            </details>
          ))}
        </>
      )}
    </>
  );
}

function FindingRow(
  props: ICoachProps & {
    finding: Finding;
    folded: Finding[];
    isNew: boolean;
    live: boolean;
  }
): JSX.Element {
  const { finding, folded, isNew, panel, trans, onJump } = props;
  const Icon = severityIcons[finding.severity];
  const others = finding.cells.filter(i => i !== finding.cell_index);
  return (
    <li
      className={`readiness-finding readiness-severity-${finding.severity}${isNew ? ' readiness-finding-new' : ''}`}
      data-check={finding.check}
      data-cell-index={finding.cell_index ?? ''}
      tabIndex={0}
      role="button"
      title={trans.__('Go to the cell')}
      onClick={() => onJump(panel, finding)}
      onKeyDown={event => {
        if (event.target !== event.currentTarget) {
          return;
        }
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onJump(panel, finding);
        } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          focusSibling(event.currentTarget, event.key === 'ArrowDown');
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
          <span className="readiness-finding-where">
            {findingPlace(finding, trans)}
          </span>
          <span className="readiness-finding-check">{finding.check}</span>
        </div>
        {others.length > 0 && (
          <div className="readiness-finding-cells">
            {trans._n(
              'Also affects cell %2',
              'Also affects cells %2',
              others.length,
              others.map(i => i + 1).join(', ')
            )}
          </div>
        )}
        {finding.suggestion && (
          <div className="readiness-finding-suggestion">
            {finding.suggestion}
          </div>
        )}
        <FixButtons {...props} />
        <DiffButton {...props} />
        {folded.length > 0 && (
          <details
            className="readiness-folded"
            onClick={event => event.stopPropagation()}
          >
            <summary>
              {trans._n(
                '%1 finding follows from this one',
                '%1 findings follow from this one',
                folded.length
              )}
            </summary>
            <ul>
              {folded.map(f => (
                <li
                  key={findingKey(f)}
                  className="readiness-folded-finding"
                  data-check={f.check}
                  data-cell-index={f.cell_index ?? ''}
                >
                  <span className="readiness-finding-where">
                    {findingPlace(f, trans)}
                  </span>{' '}
                  {f.message}
                </li>
              ))}
            </ul>
          </details>
        )}
      </div>
    </li>
  );
}

/**
 * Findings whose outputs' diff the last rehearsal kept.
 */
const DIFF_CHECKS = new Set(['output-mismatch', 'nondeterministic-output']);

/**
 * Show diff, for a finding whose outputs the last rehearsal compared.
 */
function DiffButton(props: ICoachProps & { finding: Finding }): JSX.Element {
  const { finding, reply, trans } = props;
  const diff = DIFF_CHECKS.has(finding.check)
    ? reply.rehearsal?.diffs.find(
        d => d.cell_index === finding.cell_index && d.check === finding.check
      )
    : undefined;
  if (!diff) {
    return <></>;
  }
  return (
    <button
      className="readiness-action-button readiness-diff-button"
      title={trans.__('Show how the outputs differ')}
      onClick={event => {
        // The row's own click jumps to the cell.
        event.stopPropagation();
        void showDiff(diff, trans);
      }}
      onKeyDown={event => {
        event.stopPropagation();
      }}
    >
      {trans.__('Show diff')}
    </button>
  );
}

/**
 * A finding's actions: each fix with edits (previewed, then applied to the
 * live notebook), each fix that is a command (or why it cannot run here),
 * Ignore (the suppression comment) and Waive (the contract file; not for a
 * live check, which the contract's verdict never sees: it runs without the
 * kernel).
 */
function FixButtons(
  props: ICoachProps & { finding: Finding; live: boolean }
): JSX.Element {
  const { finding, live, panel, readiness, trans, commands } = props;
  const edits = finding.fixes.filter(f => f.id !== IGNORE && !f.command);
  const runs = finding.fixes.filter(f => f.command);
  const ignore = finding.fixes.find(f => f.id === IGNORE);
  const act = (run: () => Promise<void>) => (event: React.MouseEvent) => {
    // The row's own click jumps to the cell.
    event.stopPropagation();
    void run();
  };
  // Enter and Space press the button, not the row around it.
  const stop = (event: React.KeyboardEvent) => event.stopPropagation();
  return (
    <div className="readiness-finding-actions">
      {edits.map(fix => (
        <button
          key={fix.id}
          className={`readiness-action-button readiness-fix-button${fix.safe ? '' : ' readiness-fix-unsafe'}`}
          data-fix={fix.id}
          title={fixCaption(fix, trans)}
          onClick={act(() => previewAndFix(panel, fix, readiness, trans))}
          onKeyDown={stop}
        >
          {fix.safe ? fix.title : trans.__('%1 (unsafe)', fix.title)}
        </button>
      ))}
      {runs.map(fix => {
        const command = fix.command!;
        const available =
          commands.hasCommand(command) && commands.isEnabled(command);
        return (
          <React.Fragment key={fix.id}>
            <button
              className={`readiness-action-button readiness-fix-command ${COMMAND_CLASSES[command] ?? ''}`}
              data-fix={fix.id}
              data-command={command}
              disabled={!available}
              title={fixCaption(fix, trans)}
              onClick={act(async () => {
                await commands.execute(command);
              })}
              onKeyDown={stop}
            >
              {fix.title}
            </button>
            {!available && (
              <span className="readiness-fix-unavailable">
                {commands.hasCommand(command)
                  ? trans.__(
                      '%1 cannot run now: %2',
                      fix.title,
                      whyUnavailable(command, panel, trans)
                    )
                  : trans.__(
                      '%1 is not available in this JupyterLab.',
                      fix.title
                    )}
              </span>
            )}
          </React.Fragment>
        );
      })}
      {ignore && (
        <button
          className="readiness-action-button readiness-ignore-button"
          title={ignore.note ?? ignore.title}
          onClick={act(() => applyFixNow(panel, ignore, readiness, trans))}
          onKeyDown={stop}
        >
          {trans.__('Ignore')}
        </button>
      )}
      {!live && (
        <button
          className="readiness-action-button readiness-waive-button"
          title={trans.__(
            'Accept this finding in the handoff contract, with a reason'
          )}
          onClick={act(() =>
            waiveWithPreview(panel, finding, readiness, trans)
          )}
          onKeyDown={stop}
        >
          {trans.__('Waive…')}
        </button>
      )}
    </div>
  );
}

function fixCaption(fix: Fix, trans: TranslationBundle): string {
  const safety = fix.safe
    ? trans.__('Safe: keeps what the notebook computes.')
    : trans.__('Unsafe: may change what the notebook computes.');
  return fix.note ? `${safety} ${fix.note}` : safety;
}

function focusSibling(row: HTMLElement, down: boolean): void {
  const rows = Array.from(
    row
      .closest('.readiness-panel')
      ?.querySelectorAll<HTMLElement>('.readiness-finding') ?? []
  );
  rows[rows.indexOf(row) + (down ? 1 : -1)]?.focus();
}

function groupTitle(severity: Severity, trans: TranslationBundle): string {
  switch (severity) {
    case 'error':
      return trans.__('Fix first');
    case 'warning':
      return trans.__('Warnings');
    case 'info':
      return trans.__('Info');
  }
}

function severityLabel(severity: Severity, trans: TranslationBundle): string {
  switch (severity) {
    case 'error':
      return trans.__('Errors');
    case 'warning':
      return trans.__('Warnings');
    case 'info':
      return trans.__('Info');
  }
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
