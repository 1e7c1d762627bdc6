/**
 * The band of a report (computed by the core: an error keeps a notebook out
 * of "ready"), as the sidebar and the toolbar item colour and name it.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { CheckReply } from './types';

export type Band = CheckReply['band'];

export function scoreLevel(band: Band): 'good' | 'warn' | 'bad' {
  return band === 'ready' ? 'good' : band === 'attention' ? 'warn' : 'bad';
}

/**
 * As the CLI says it: "Ready", "Needs attention", "Blocked: 2 to fix first".
 */
export function bandText(
  reply: Pick<CheckReply, 'band' | 'must_fix'>,
  trans: TranslationBundle
): string {
  switch (reply.band) {
    case 'ready':
      return trans.__('Ready');
    case 'attention':
      return trans.__('Needs attention');
    case 'blocked':
      return trans.__('Blocked: %1 to fix first', reply.must_fix);
  }
}
