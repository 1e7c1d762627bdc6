/**
 * The card shown when the pointer rests on an underlined line: each finding's
 * message and suggestion, and the button of its first fix. An edit fix goes
 * through the sidebar's own preview-then-apply path; a command fix runs its
 * command, or says why it cannot run now.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';

import type { IReadiness } from '../tokens';
import type { Finding, Fix } from '../types';
import { previewAndFix } from './fixdialog';
import { whyUnavailable } from './unavailable';
import { findingPlace } from './where';

/**
 * The id of the ignore fix every finding in a code cell carries: a way to
 * silence the finding, not to fix it, so the card does not offer it first.
 */
const IGNORE = 'ignore';

export interface IHoverCardOptions {
  panel: NotebookPanel;
  readiness: IReadiness;
  commands: CommandRegistry;
  trans: TranslationBundle;
}

/**
 * The fix the card offers: the finding's first one that is not Ignore.
 */
export function firstFix(finding: Finding): Fix | null {
  return finding.fixes.find(fix => fix.id !== IGNORE) ?? null;
}

export function hoverCard(
  findings: Finding[],
  options: IHoverCardOptions
): HTMLElement {
  const { trans } = options;
  const card = document.createElement('div');
  card.className = 'jp-Readiness readiness-hover-card';
  for (const finding of findings) {
    const item = document.createElement('section');
    item.className = 'readiness-hover-finding';
    item.dataset.severity = finding.severity;
    item.dataset.check = finding.check;
    const message = document.createElement('div');
    message.className = 'readiness-hover-message';
    message.textContent = finding.message;
    const meta = document.createElement('div');
    meta.className = 'readiness-hover-meta';
    meta.textContent = `${findingPlace(finding, trans)} · ${finding.check}`;
    item.append(message, meta);
    if (finding.suggestion) {
      const suggestion = document.createElement('div');
      suggestion.className = 'readiness-hover-suggestion';
      suggestion.textContent = finding.suggestion;
      item.appendChild(suggestion);
    }
    const fix = firstFix(finding);
    if (fix) {
      item.appendChild(fixButton(fix, options));
    }
    card.appendChild(item);
  }
  return card;
}

function fixButton(fix: Fix, options: IHoverCardOptions): HTMLElement {
  const { panel, readiness, commands, trans } = options;
  const button = document.createElement('button');
  button.className = `readiness-action-button readiness-hover-fix${fix.safe ? '' : ' readiness-fix-unsafe'}`;
  button.dataset.fix = fix.id;
  button.textContent = fix.safe
    ? fix.title
    : trans.__('%1 (unsafe)', fix.title);
  const command = fix.command;
  if (!command) {
    button.title = fix.safe
      ? trans.__('Preview the edits, then apply them (one undo reverts them)')
      : trans.__(
          'Preview the edits, then apply them: this may change what the notebook computes'
        );
    button.addEventListener('click', () => {
      void previewAndFix(panel, fix, readiness, trans);
    });
    return button;
  }
  button.dataset.command = command;
  const available = commands.hasCommand(command) && commands.isEnabled(command);
  button.disabled = !available;
  button.title = available
    ? (fix.note ?? fix.title)
    : commands.hasCommand(command)
      ? trans.__(
          '%1 cannot run now: %2',
          fix.title,
          whyUnavailable(command, panel, trans)
        )
      : trans.__('%1 is not available in this JupyterLab.', fix.title);
  button.addEventListener('click', () => {
    void commands.execute(command);
  });
  return button;
}
