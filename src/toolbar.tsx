/**
 * The notebook toolbar item `readiness`: "Ready 72", coloured by level;
 * clicking it opens the Readiness sidebar.
 */
import type { CommandRegistry } from '@lumino/commands';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { CommandIDs } from './commands';
import { scoreLevel } from './score';
import type { IReadiness } from './tokens';

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
    const score = reply && !reply.error ? reply.score : null;
    const level = score === null ? 'unknown' : scoreLevel(score);
    return (
      <button
        className={`jp-ToolbarButtonComponent jp-mod-minimal jp-Button readiness-score-button readiness-level-${level}`}
        data-readiness-score={score ?? undefined}
        title={trans.__('Readiness score (of 100): open the Readiness panel')}
        onClick={() => void this._commands.execute(CommandIDs.openPanel)}
      >
        <span className="jp-ToolbarButtonComponent-label">
          {score === null ? trans.__('Ready –') : trans.__('Ready %1', score)}
        </span>
      </button>
    );
  }
}
