/**
 * The Rehearse notebook dialog: the parameters (the `parameters` cell's
 * values, editable), the number of fresh runs, the time limits, and whether
 * to run in the real folder (with a warning).
 */
import { Dialog } from '@jupyterlab/apputils';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { IRehearsals } from './tokens';

interface IParameter {
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
function parametersOf(panel: NotebookPanel): IParameter[] | null {
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

function parseParameters(source: string): IParameter[] {
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
class RehearseForm
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
