/**
 * Shared helpers of the Readiness Galata tests.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { NotebookPanel } from '@jupyterlab/notebook';

export const PANEL = '#readiness-panel';

export function finding(check: string, cellIndex?: number): string {
  const cell =
    cellIndex === undefined ? '' : `[data-cell-index="${cellIndex}"]`;
  return `${PANEL} .readiness-finding[data-check="${check}"]${cell}`;
}

type Cell = Record<string, unknown>;

export function code(
  source: string,
  executionCount: number | null,
  id: string
): Cell {
  return {
    cell_type: 'code',
    execution_count: executionCount,
    id,
    metadata: {},
    outputs: [],
    source
  };
}

export function markdown(source: string, id: string): Cell {
  return { cell_type: 'markdown', id, metadata: {}, source };
}

export function notebook(cells: Cell[]): string {
  return JSON.stringify({
    cells,
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python'
      },
      language_info: { name: 'python' }
    },
    nbformat: 4,
    nbformat_minor: 5
  });
}

/**
 * A notebook that ran out of order and reads the clock:
 * cell 2 ran before cell 1 (out-of-order-execution), cell 3 line 2 calls
 * datetime.now() (wall-clock) and has no other finding.
 */
export const ORDERING = notebook([
  markdown('# Daily report', 'm0'),
  code('x = 1', 2, 'c1'),
  code('y = x + 1', 1, 'c2'),
  code('from datetime import datetime\nstamp = datetime.now()', null, 'c3')
]);

/**
 * Upload a notebook into the test's temporary folder, open it and show the
 * Readiness sidebar.
 */
export async function openNotebook(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  name: string,
  content: string
): Promise<void> {
  await page.contents.uploadContent(content, 'text', `${tmpPath}/${name}`);
  // The sidebar first: it opens itself on a notebook with errors, and a click
  // on its tab racing that would close it again.
  await page.sidebar.openTab('readiness-panel');
  await page.notebook.openByPath(`${tmpPath}/${name}`);
  await page.notebook.activate(name);
  // Room for the notebook: its toolbar moves what does not fit into a popup.
  await page.sidebar.close('left');
  await expect(page.locator(PANEL)).toBeVisible();
}

/**
 * Wait until the notebook's kernel is idle, so its first check can probe it.
 */
export async function waitForKernelIdle(
  page: IJupyterLabPageFixture
): Promise<void> {
  await page.waitForFunction(() => {
    const panel = window.jupyterapp.shell.currentWidget as NotebookPanel | null;
    return panel?.sessionContext?.session?.kernel?.status === 'idle';
  });
}

/**
 * The cell with these tags in its metadata (e.g. `parameters` for papermill).
 */
export function tagged(cell: Cell, tags: string[]): Cell {
  return { ...cell, metadata: { ...(cell.metadata as object), tags } };
}

/**
 * Run a command without waiting for it (a dialog it opens stays open).
 */
export async function startCommand(
  page: IJupyterLabPageFixture,
  id: string
): Promise<void> {
  await page.evaluate(command => {
    void window.jupyterapp.commands.execute(command);
  }, id);
}
