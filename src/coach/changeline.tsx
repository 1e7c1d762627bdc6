/**
 * One line beside the score after a re-check: how the score moved and how
 * many findings were resolved or are new.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { CheckReply } from '../types';
import type { IChanges } from './changes';

export function ChangeLine(props: {
  changes: IChanges;
  reply: CheckReply;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { changes, reply, trans } = props;
  const parts: string[] = [];
  if (changes.scoreBefore !== reply.score) {
    parts.push(trans.__('score %1 → %2', changes.scoreBefore, reply.score));
  }
  if (changes.resolved > 0) {
    parts.push(trans._n('%1 resolved', '%1 resolved', changes.resolved));
  }
  if (changes.added.size > 0) {
    parts.push(trans._n('%1 new', '%1 new', changes.added.size));
  }
  if (parts.length === 0) {
    return null;
  }
  // Short enough for one line beside the score; the words that say what it
  // is are its tooltip and what a screen reader says.
  return (
    <span
      className="readiness-changes"
      role="status"
      title={trans.__('Since the last check')}
    >
      <span aria-hidden="true">↻ </span>
      <span className="readiness-sr-only">
        {trans.__('Since the last check:')}{' '}
      </span>
      {parts.join(', ')}
    </span>
  );
}
