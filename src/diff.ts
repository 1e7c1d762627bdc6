/**
 * A line diff (longest common subsequence) for the freeze preview. The files
 * it compares are requirements files and pyproject.toml: small enough for the
 * quadratic table, and the readable result matters more than the speed.
 */

export type DiffOp = ' ' | '+' | '-';

export interface IDiffLine {
  op: DiffOp;
  text: string;
}

/**
 * A run of unchanged lines left out of the shown diff.
 */
export interface IDiffGap {
  op: '…';
  count: number;
}

/**
 * Lines of `before` and `after` above this count are diffed as "all removed,
 * all added" rather than fill a table of that many cells.
 */
const MAX_CELLS = 1_000_000;

export function diffLines(before: string, after: string): IDiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  // The common head and tail cost nothing and usually hold most of the file.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) {
    head++;
  }
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail++;
  }
  const same = (lines: string[]): IDiffLine[] =>
    lines.map(text => ({ op: ' ', text }));
  return [
    ...same(a.slice(0, head)),
    ...middle(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...same(a.slice(a.length - tail))
  ];
}

/**
 * The diff with runs of unchanged lines longer than twice `context` cut to
 * `context` lines either side of a change.
 */
export function withContext(
  lines: IDiffLine[],
  context = 3
): Array<IDiffLine | IDiffGap> {
  const changed = lines.map(line => line.op !== ' ');
  const near = (i: number) =>
    changed
      .slice(Math.max(0, i - context), Math.min(lines.length, i + context + 1))
      .some(Boolean);
  const out: Array<IDiffLine | IDiffGap> = [];
  let skipped = 0;
  lines.forEach((line, i) => {
    if (near(i)) {
      if (skipped) {
        out.push({ op: '…', count: skipped });
        skipped = 0;
      }
      out.push(line);
    } else {
      skipped++;
    }
  });
  if (skipped) {
    out.push({ op: '…', count: skipped });
  }
  return out;
}

function splitLines(text: string): string[] {
  if (!text) {
    return [];
  }
  const lines = text.split(/\r\n|\n|\r/);
  // A final newline ends the last line; it does not start an empty one.
  if (lines[lines.length - 1] === '') {
    lines.pop();
  }
  return lines;
}

function middle(a: string[], b: string[]): IDiffLine[] {
  if (a.length * b.length > MAX_CELLS) {
    return [
      ...a.map(text => ({ op: '-' as const, text })),
      ...b.map(text => ({ op: '+' as const, text }))
    ];
  }
  // lcs[i][j]: the longest common subsequence of a[i:] and b[j:].
  const lcs = Array.from(
    { length: a.length + 1 },
    () => new Uint32Array(b.length + 1)
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] =
        a[i] === b[j]
          ? lcs[i + 1][j + 1] + 1
          : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: IDiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      out.push({ op: '-', text: a[i++] });
    } else {
      out.push({ op: '+', text: b[j++] });
    }
  }
  while (i < a.length) {
    out.push({ op: '-', text: a[i++] });
  }
  while (j < b.length) {
    out.push({ op: '+', text: b[j++] });
  }
  return out;
}
