/**
 * The notebook toolbar item `readiness`: the band as the CLI names it and the
 * score ("Blocked: 2 to fix first · 34"), coloured by band, then the handoff
 * verdict (READY / NOT READY); clicking it opens the Readiness sidebar.
 */
import type { CommandRegistry } from '@lumino/commands';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { CommandIDs } from './commands';
import { bandText, scoreLevel } from './score';
import type { IReadiness } from './tokens';
import { verdictText } from './verdict';

export class ScoreItem extends ReactWidget {
  constructor(
    private readonly _panel: NotebookPanel,
    private readonly _readiness: IReadiness,
    private readonly _commands: CommandRegistry,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('readiness-toolbar-item');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal
        signal={this._readiness.changed}
        shouldUpdate={(_, panel) => panel === this._panel}
      >
        {() => this._button()}
      </UseSignal>
    );
  }

  private _button(): JSX.Element {
    const trans = this._trans;
    const reply = this._readiness.stateOf(this._panel)?.reply;
    // An unreadable notebook scores 0 but has no meaningful score to show.
    const shown = reply && !reply.error ? reply : null;
    const level = shown === null ? 'unknown' : scoreLevel(shown.band);
    const verdict = shown?.contract ?? null;
    const band = shown ? bandText(shown, trans) : '';
    return (
      <button
        className={`jp-ToolbarButtonComponent jp-mod-minimal jp-Button readiness-score-button readiness-level-${level}`}
        data-readiness-score={shown?.score}
        data-readiness-band={shown?.band}
        data-readiness-verdict={
          verdict ? (verdict.ready ? 'ready' : 'not-ready') : undefined
        }
        title={
          verdict
            ? trans.__(
                'Readiness score (of 100), %1. %2. Open the Readiness panel',
                band,
                verdictText(verdict, trans)
              )
            : trans.__('Readiness score (of 100): open the Readiness panel')
        }
        onClick={() => void this._commands.execute(CommandIDs.openPanel)}
      >
        <span className="jp-ToolbarButtonComponent-label">
          {shown === null
            ? trans.__('Ready –')
            : trans.__('%1 · %2', band, shown.score)}
        </span>
        {verdict && (
          <span
            className={`readiness-verdict-badge readiness-verdict-${verdict.ready ? 'ready' : 'not-ready'}`}
          >
            {verdict.error
              ? trans.__('NO VERDICT')
              : verdict.ready
                ? trans.__('READY')
                : trans.__('NOT READY')}
          </span>
        )}
      </button>
    );
  }
}
