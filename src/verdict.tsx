/**
 * The handoff verdict at the head of the sidebar: "Ready for handoff", or
 * "Not ready: 2 of 4 clauses unmet" with the unmet clauses first, each with
 * why, the findings that break it and the actions that meet it.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import { findingPlace } from './coach/where';
import { waiveWithPreview } from './coach/waive';
import type { IReadiness } from './tokens';
import type { ClauseVerdict, ContractVerdict, Finding } from './types';

type ClauseAction = ClauseVerdict['actions'][number];

/**
 * The command that meets a clause, per action; `test-export` and `waive` are
 * not commands: the first runs in a terminal, the second is per finding.
 */
const ACTION_COMMANDS: Partial<Record<ClauseAction, string>> = {
  freeze: 'readiness:freeze-env',
  rehearse: 'readiness:rehearse',
  export: 'readiness:export-package'
};

export interface IVerdictProps {
  panel: NotebookPanel;
  verdict: ContractVerdict;
  readiness: IReadiness;
  trans: TranslationBundle;
  commands: CommandRegistry;
  onJump: (panel: NotebookPanel, finding: Finding) => void;
}

/**
 * The verdict's one-line summary, shared with the toolbar.
 */
export function verdictText(
  verdict: ContractVerdict,
  trans: TranslationBundle
): string {
  if (verdict.error) {
    // Neither ready nor not: nothing judged it (an invalid contract), as the CLI says.
    return trans.__('Cannot be judged: %1', verdict.error);
  }
  return verdict.ready
    ? trans.__('Ready for handoff')
    : trans._n(
        // Singular or plural after the total: "1 of 3 clauses".
        'Not ready: %2 of %1 clause unmet',
        'Not ready: %2 of %1 clauses unmet',
        verdict.clauses.length,
        verdict.unmet
      );
}

export function VerdictHead(props: IVerdictProps): JSX.Element {
  const { verdict, trans } = props;
  const unmet = verdict.clauses.filter(c => !c.met);
  const met = verdict.clauses.filter(c => c.met);
  const expired = verdict.waivers.filter(w => w.status === 'expired');
  return (
    <section
      className={`readiness-verdict readiness-verdict-${verdict.ready ? 'ready' : 'not-ready'}`}
      data-readiness-verdict={verdict.ready ? 'ready' : 'not-ready'}
    >
      <h2 className="readiness-verdict-title">{verdictText(verdict, trans)}</h2>
      {verdict.contract && (
        <div className="readiness-verdict-contract">
          {trans.__('Contract: %1', verdict.contract)}
        </div>
      )}
      {unmet.length > 0 && (
        <ul className="readiness-clauses">
          {unmet.map(clause => (
            <Clause key={clause.id} {...props} clause={clause} />
          ))}
        </ul>
      )}
      {expired.length > 0 && (
        <p className="readiness-verdict-expired">
          {trans._n(
            '%1 waiver has expired and no longer counts.',
            '%1 waivers have expired and no longer count.',
            expired.length
          )}
        </p>
      )}
      {met.length > 0 && (
        <details className="readiness-clauses-met">
          <summary>
            {trans._n('%1 clause met', '%1 clauses met', met.length)}
          </summary>
          <ul className="readiness-clauses">
            {met.map(clause => (
              <Clause key={clause.id} {...props} clause={clause} />
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function Clause(props: IVerdictProps & { clause: ClauseVerdict }): JSX.Element {
  const { clause, trans, commands } = props;
  return (
    <li
      className={`readiness-clause readiness-clause-${clause.met ? 'met' : 'unmet'}`}
      data-clause={clause.id}
    >
      {folds(clause) ? (
        <details className="readiness-clause-details">
          <summary>
            <span className="readiness-clause-title">{clause.title}</span>{' '}
            <span
              className="readiness-clause-count"
              title={trans._n(
                '%1 finding breaks it',
                '%1 findings break it',
                clause.findings.length
              )}
            >
              {clause.findings.length}
            </span>
          </summary>
          <div className="readiness-clause-reason">{clause.reason}</div>
          <ClauseFindings {...props} />
        </details>
      ) : (
        <>
          <div className="readiness-clause-title">{clause.title}</div>
          <div className="readiness-clause-reason">{clause.reason}</div>
          {!clause.met && <ClauseFindings {...props} />}
        </>
      )}
      {!clause.met && (
        <div className="readiness-clause-actions">
          {clause.actions.map(action => {
            const command = ACTION_COMMANDS[action];
            if (action === 'test-export') {
              return (
                <span key={action} className="readiness-clause-hint">
                  {trans.__(
                    'Run `jupyter-readiness test-export` on the exported package.'
                  )}
                </span>
              );
            }
            if (!command) {
              return null;
            }
            const available = commands.hasCommand(command);
            return (
              <button
                key={action}
                className="readiness-action-button readiness-clause-action"
                data-action={action}
                disabled={!available}
                title={
                  available
                    ? commands.caption(command)
                    : trans.__('Not available in this JupyterLab.')
                }
                onClick={() => void commands.execute(command)}
              >
                {commands.hasCommand(command)
                  ? commands.label(command)
                  : action}
              </button>
            );
          })}
        </div>
      )}
    </li>
  );
}

/**
 * An unmet clause broken by several findings folds its reason and their list:
 * both repeat the findings list below, and unfolded they pushed the first
 * error a screen down. One finding costs no more than the fold's own line.
 */
function folds(clause: ClauseVerdict): boolean {
  return !clause.met && clause.findings.length > 1;
}

function ClauseFindings(
  props: IVerdictProps & { clause: ClauseVerdict }
): JSX.Element | null {
  const { clause, panel, readiness, trans, onJump } = props;
  if (clause.findings.length === 0) {
    return null;
  }
  return (
    <ul className="readiness-clause-findings">
      {clause.findings.map((finding, i) => (
        <li
          key={i}
          className="readiness-clause-finding"
          data-check={finding.check}
          data-cell-index={finding.cell_index ?? ''}
        >
          <button
            className="readiness-link"
            title={trans.__('Go to the cell')}
            onClick={() => onJump(panel, finding)}
          >
            {findingPlace(finding, trans)}: {finding.check}
          </button>
          {clause.actions.includes('waive') && (
            <button
              className="readiness-action-button readiness-waive-button"
              onClick={() =>
                void waiveWithPreview(panel, finding, readiness, trans)
              }
            >
              {trans.__('Waive…')}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
