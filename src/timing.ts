import type { TranslationBundle } from '@jupyterlab/translation';

import type { CellTiming } from './types';

/**
 * "0.42 s, 85 MiB", "error, 0.01 s": a cell's status (when not ok), time
 * and peak memory.
 */
export function timingText(
  timing: Pick<CellTiming, 'status' | 'seconds' | 'peak_memory'>,
  trans: TranslationBundle
): string {
  const parts: string[] = [];
  if (timing.status !== 'ok') {
    parts.push(timing.status);
  }
  if (timing.seconds !== null) {
    parts.push(
      trans.__(
        '%1 s',
        timing.seconds < 10
          ? timing.seconds.toFixed(2)
          : timing.seconds.toFixed(1)
      )
    );
  }
  if (timing.peak_memory !== null) {
    parts.push(trans.__('%1 MiB', Math.round(timing.peak_memory / 2 ** 20)));
  }
  return parts.join(', ');
}
