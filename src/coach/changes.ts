/**
 * What changed since the report shown before: the score's move and which
 * findings are new or gone, so a re-check reads as progress, not a new list.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';

import type { CheckReply } from '../types';
import { findingKey } from './order';

export interface IChanges {
  scoreBefore: number;
  /**
   * Keys (findingKey) of the findings the earlier report did not have.
   */
  added: Set<string>;
  resolved: number;
}

interface IShown {
  current: CheckReply;
  previous: CheckReply | null;
}

const shown = new WeakMap<NotebookPanel, IShown>();

/**
 * The changes from the report shown before `reply` for this notebook, or null
 * for its first report (or one that could not be read).
 */
export function changesOf(
  panel: NotebookPanel,
  reply: CheckReply
): IChanges | null {
  let entry = shown.get(panel);
  if (!entry) {
    entry = { current: reply, previous: null };
    shown.set(panel, entry);
  } else if (entry.current !== reply) {
    entry.previous = entry.current;
    entry.current = reply;
  }
  const previous = entry.previous;
  if (!previous || previous.error || reply.error) {
    return null;
  }
  const before = new Set(previous.findings.map(findingKey));
  const now = new Set(reply.findings.map(findingKey));
  return {
    scoreBefore: previous.score,
    added: new Set([...now].filter(key => !before.has(key))),
    resolved: [...before].filter(key => !now.has(key)).length
  };
}
