/**
 * The REST contract of the server extension, mirrored from
 * python/jupyterlab_readiness/report.py (replies), bodies.py (request bodies)
 * and service.catalogue (the check catalogue). Keep the three in step.
 */
import type { ICodeCell, INotebookContent } from '@jupyterlab/nbformat';

export type Severity = 'error' | 'warning' | 'info';

export type ItemStatus = 'pass' | 'info' | 'warn' | 'fail' | 'skipped';

export type KernelStatus =
  | 'ok'
  | 'busy'
  | 'dead'
  | 'unavailable'
  | 'not-python'
  | 'none';

/**
 * One finding. `cell_index` is 0-based over ALL cells (markdown included),
 * null for the notebook as a whole; `line` is 1-based within the cell, or null.
 */
export interface Finding {
  check: string;
  severity: Severity;
  cell_index: number | null;
  cell_id: string | null;
  line: number | null;
  message: string;
  suggestion: string;
}

export interface ChecklistItem {
  id: string;
  title: string;
  status: ItemStatus;
  findings: number;
  checks: string[];
}

/**
 * The report for one notebook; `error` says why it could not be read
 * (then the score is 0 and there are no findings).
 */
export interface NotebookReport {
  path: string;
  score: number;
  findings: Finding[];
  checklist: ChecklistItem[];
  error: string | null;
}

/**
 * How the notebook's kernel answered the server's probe.
 */
export interface KernelInfo {
  status: KernelStatus;
  elapsed_ms: number;
}

/**
 * The reply of `POST /readiness/check`.
 */
export interface CheckReply extends NotebookReport {
  kernel: KernelInfo;
}

/**
 * The body of `POST /readiness/check`.
 */
export interface CheckRequest {
  path: string;
  kernel_id: string | null;
  notebook: INotebookContent | null;
  disable: string[];
}

/**
 * One entry of `GET /readiness/checks`.
 */
export interface CheckSpec {
  id: string;
  category: string;
  checklist: string;
  severity: Severity;
  default_severity: Severity;
  rationale: string;
  enabled: boolean;
  live: boolean;
}

export interface CheckCatalogue {
  checks: CheckSpec[];
}

/**
 * Where `POST /readiness/freeze` merges the pins: `auto` is the project's
 * pyproject.toml when it has a [project] table, else requirements.txt.
 */
export type FreezeTarget = 'auto' | 'requirements' | 'pyproject';

/**
 * The body of `POST /readiness/freeze`; `write: false` is a preview.
 */
export interface FreezeRequest {
  path: string;
  kernel_id: string | null;
  target: FreezeTarget;
  lock: boolean;
  write: boolean;
}

/**
 * The lock file's text before and after (requirements-lock.txt).
 */
export interface LockFile {
  file: string;
  before: string;
  after: string;
}

/**
 * The reply of `POST /readiness/freeze`. Paths are relative to the server
 * root; `unresolved` lists modules no installed distribution provides.
 */
export interface FreezeReply {
  file: string;
  before: string;
  after: string;
  added: string[];
  changed: string[];
  unresolved: string[];
  lock: LockFile | null;
}

/**
 * The body of `POST /readiness/extract`; `write: false` is a preview. Null
 * names let the server propose them (the module from the notebook's name, the
 * function from the markdown heading above the cells).
 */
export interface ExtractRequest {
  path: string;
  notebook: INotebookContent | null;
  /**
   * 0-based over ALL cells: contiguous code cells.
   */
  cell_indices: number[];
  module: string | null;
  function: string | null;
  write: boolean;
}

/**
 * The reply of `POST /readiness/extract` (a refusal is a 400 whose message is
 * the reason). `module_text` is the whole module after the extraction (an
 * existing module merged); `module_file` is relative to the server root.
 */
export interface ExtractReply {
  module: string;
  function: string;
  module_file: string;
  module_text: string;
  replacement_cell: ICodeCell;
  cell_indices: number[];
  parameters: string[];
  returns: string[];
  warnings: string[];
  written: boolean;
}
