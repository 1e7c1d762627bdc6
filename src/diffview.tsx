/**
 * A line diff as the previews show it: changed lines with three lines of
 * context, longer unchanged runs folded.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { diffLines, withContext } from './diff';

const DIFF_CLASS = { '+': 'add', '-': 'remove', ' ': 'same' } as const;

export function DiffView(props: {
  before: string;
  after: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { before, after, trans } = props;
  return (
    <pre className="readiness-diff">
      {withContext(diffLines(before, after)).map((line, i) =>
        line.op === '…' ? (
          <span key={i} className="readiness-diff-line readiness-diff-gap">
            {trans._n(
              '… %1 unchanged line',
              '… %1 unchanged lines',
              line.count
            )}
          </span>
        ) : (
          <span
            key={i}
            className={`readiness-diff-line readiness-diff-${DIFF_CLASS[line.op]}`}
          >
            {line.op}
            {line.text}
          </span>
        )
      )}
    </pre>
  );
}
