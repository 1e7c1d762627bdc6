/**
 * The REST contract of the server extension, mirrored from
 * python/jupyterlab_readiness/report.py (replies), bodies.py (request bodies)
 * and service.catalogue (the check catalogue). Keep the three in step.
 */
import type { ICodeCell, INotebookContent } from '@jupyterlab/nbformat';

export type Severity = 'error' | 'warning' | 'info';

export type ItemStatus = 'pass' | 'info' | 'warn' | 'fail' | 'skipped';

export type KernelStatus =
  'ok' | 'busy' | 'dead' | 'unavailable' | 'not-python' | 'none';

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

/**
 * The body of `POST /readiness/export`; `write: false` is a preview. Null
 * fields let the server decide: the notebook from its file, the package name
 * from the notebook's file name, the folder `<notebook dir>/<name>`.
 */
export interface ExportRequest {
  path: string;
  notebook: INotebookContent | null;
  /**
   * The pins come from this kernel's environment (else the server's).
   */
  kernel_id: string | null;
  name: string | null;
  /**
   * The destination folder, relative to the server root.
   */
  out: string | null;
  write: boolean;
}

/**
 * What writing a file of the package does. `conflict`: the file was edited
 * since the last export (or was there before it), so the export leaves it
 * alone; its `text` is what the export would have written.
 */
export type ExportFileStatus = 'create' | 'update' | 'unchanged' | 'conflict';

/**
 * One file of the package; `path` is relative to the reply's `out` (posix).
 */
export interface ExportFile {
  path: string;
  status: ExportFileStatus;
  text: string;
}

/**
 * A parameter of the pipeline: from the `parameters`-tagged cell, or a clock
 * read (`datetime.now()`) turned into one. `default` is Python literal text.
 */
export interface ExportParameter {
  name: string;
  type: string;
  default: string;
  origin: 'cell' | 'clock';
  cell_index: number | null;
}

/**
 * One step of the pipeline: a function made of cells (0-based over ALL cells).
 */
export interface ExportStep {
  function: string;
  heading: string | null;
  cell_indices: number[];
  parameters: string[];
  returns: string[];
}

/**
 * The reply of `POST /readiness/export`. When `refused` is not null (the
 * `blocking` findings say why) nothing can be written and `files` is empty.
 * Paths are relative to the server root, except the files' (relative to `out`).
 */
export interface ExportReply {
  name: string;
  distribution: string;
  out: string;
  notebook: string;
  files: ExportFile[];
  parameters: ExportParameter[];
  parameters_cell: number | null;
  steps: ExportStep[];
  refused: string | null;
  blocking: Finding[];
  weakening: Finding[];
  score: number;
  warnings: string[];
  unresolved: string[];
  conflicts: string[];
  written: boolean;
}
