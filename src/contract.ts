/* Generated from python/jupyterlab_readiness/contract/rest.schema.json by jlpm build:contract: do not edit. */

/**
 * The REST API of jupyterlab-readiness (/readiness/...) and the CLI's JSON output. Generated from python/jupyterlab_readiness/contract/ by `python -m jupyterlab_readiness.contract.schema`.
 */
export interface ReadinessContract {
  Catalogue?: Catalogue;
  CheckReply?: CheckReply;
  CheckRequest?: CheckRequest;
  CheckRun?: CheckRun;
  ContractRun?: ContractRun;
  ExportReply?: ExportReply;
  ExportRequest?: ExportRequest;
  ExtractReply?: ExtractReply;
  ExtractRequest?: ExtractRequest;
  FreezeReply?: FreezeReply;
  FreezeRequest?: FreezeRequest;
  RehearseReply?: RehearseReply;
  WaiveReply?: WaiveReply;
  WaiveRequest?: WaiveRequest;
}
export interface Catalogue {
  checks: CheckInfo[];
}
/**
 * One entry of ``GET /readiness/checks``.
 */
export interface CheckInfo {
  category: string;
  checklist: string;
  default_severity: 'error' | 'warning' | 'info';
  enabled: boolean;
  id: string;
  live: boolean;
  rationale: string;
  severity: 'error' | 'warning' | 'info';
}
/**
 * What ``POST /readiness/check`` answers: the notebook report plus the kernel's status and
 * the handoff verdict under the project's contract (computed as ``jupyter-readiness contract``
 * computes it: the project's configuration, no kernel; so the sidebar and CI agree).
 */
export interface CheckReply {
  checklist: ChecklistItem[];
  contract: ContractVerdict;
  error: string | null;
  findings: Finding[];
  kernel: KernelInfo;
  path: string;
  score: number;
}
export interface ChecklistItem {
  checks: string[];
  findings: number;
  id: string;
  status: 'pass' | 'info' | 'warn' | 'fail' | 'skipped';
  title: string;
}
/**
 * The handoff verdict for one notebook: READY when every clause is met. ``error``: the
 * notebook could not be read or the contract is invalid (then not ready, no clauses).
 */
export interface ContractVerdict {
  clauses: ClauseVerdict[];
  contract: string | null;
  error: string | null;
  path: string;
  ready: boolean;
  score: number;
  unmet: number;
  waivers: WaiverVerdict[];
}
/**
 * One clause of the contract, met or not, and why.
 */
export interface ClauseVerdict {
  actions: ('freeze' | 'rehearse' | 'export' | 'test-export' | 'waive')[];
  clause:
    'checklist' | 'max-severity' | 'min-score' | 'no-secrets' | 'parameters-cell' | 'rehearsed' | 'exported-tests-pass';
  findings: Finding[];
  id: string;
  met: boolean;
  reason: string;
  title: string;
}
/**
 * One finding. ``cell_index`` is 0-based over ALL cells (markdown included), None for the
 * notebook as a whole; ``line`` is 1-based within the cell, or None.
 */
export interface Finding {
  cell_id: string | null;
  cell_index: number | null;
  check: string;
  line: number | null;
  message: string;
  severity: 'error' | 'warning' | 'info';
  suggestion: string;
}
/**
 * A waiver of the contract that names this notebook, and what it did.
 */
export interface WaiverVerdict {
  cell: string | null;
  check: string;
  expires: string | null;
  findings: number;
  note: string;
  notebook: string;
  reason: string;
  status: 'applied' | 'expired' | 'unused';
}
/**
 * How the notebook's kernel answered the probe (REST only).
 */
export interface KernelInfo {
  elapsed_ms: number;
  status: 'ok' | 'busy' | 'dead' | 'unavailable' | 'not-python' | 'none';
}
export interface CheckRequest {
  /**
   * check ids the user turned off (sidebar settings); ids the server does not know are a 400
   *
   * @maxItems 100
   */
  disable?: string[];
  /**
   * the notebook's kernel, to probe it
   */
  kernel_id?: string | null;
  /**
   * the live nbformat-4 model; null to read the file
   */
  notebook?: {
    [k: string]: unknown;
  } | null;
  /**
   * the notebook, relative to the server root
   */
  path: string;
}
/**
 * What ``jupyter-readiness check --format json`` prints.
 */
export interface CheckRun {
  notebooks: NotebookReport[];
  version: 1;
}
/**
 * The report for one notebook; ``error`` says why it could not be read (score 0, no findings).
 */
export interface NotebookReport {
  checklist: ChecklistItem[];
  error: string | null;
  findings: Finding[];
  path: string;
  score: number;
}
/**
 * What ``jupyter-readiness contract --format json`` prints.
 */
export interface ContractRun {
  changed_since: string | null;
  notebooks: ContractVerdict[];
  version: 1;
}
/**
 * What ``POST /readiness/export`` answers and ``jupyter-readiness export --format json`` prints.
 * When ``refused`` is set, nothing can be written and ``files`` is empty.
 */
export interface ExportReply {
  blocking: Finding[];
  conflicts: string[];
  distribution: string;
  files: ExportFile[];
  name: string;
  notebook: string;
  out: string;
  parameters: ExportParameter[];
  parameters_cell: number | null;
  refused: string | null;
  score: number;
  steps: ExportStep[];
  unresolved: string[];
  warnings: string[];
  weakening: Finding[];
  written: boolean;
}
export interface ExportFile {
  path: string;
  status: 'create' | 'update' | 'unchanged' | 'conflict';
  text: string;
}
export interface ExportParameter {
  cell_index: number | null;
  default: string;
  name: string;
  origin: 'cell' | 'clock';
  type: string;
}
export interface ExportStep {
  cell_indices: number[];
  function: string;
  heading: string | null;
  parameters: string[];
  returns: string[];
}
export interface ExportRequest {
  /**
   * pin what this kernel has installed; null: the server's environment
   */
  kernel_id?: string | null;
  /**
   * package (import) name; null: from the notebook's file name
   */
  name?: string | null;
  /**
   * the live nbformat-4 model; null to read the file
   */
  notebook?: {
    [k: string]: unknown;
  } | null;
  /**
   * destination folder relative to the server root; null: <notebook folder>/<name>
   */
  out?: string | null;
  /**
   * the notebook, relative to the server root
   */
  path: string;
  /**
   * write the files; false: preview only
   */
  write?: boolean;
}
/**
 * What ``POST /readiness/extract`` answers and ``jupyter-readiness extract`` plans.
 */
export interface ExtractReply {
  cell_indices: number[];
  function: string;
  module: string;
  module_file: string;
  module_text: string;
  parameters: string[];
  replacement_cell: {
    [k: string]: unknown;
  };
  returns: string[];
  warnings: string[];
  written: boolean;
}
export interface ExtractRequest {
  /**
   * 0-based over all cells, contiguous code cells
   *
   * @minItems 1
   * @maxItems 10000
   */
  cell_indices: [number, ...number[]];
  /**
   * function name; null: from the heading above, else the code
   */
  function?: string | null;
  /**
   * module name (no .py); null: derived from the notebook
   */
  module?: string | null;
  /**
   * the live nbformat-4 model; null to read the file
   */
  notebook?: {
    [k: string]: unknown;
  } | null;
  /**
   * the notebook, relative to the server root
   */
  path: string;
  /**
   * write the module file; false: preview only
   */
  write?: boolean;
}
/**
 * What ``POST /readiness/freeze`` answers and ``jupyter-readiness freeze --format json`` prints.
 */
export interface FreezeReply {
  added: string[];
  after: string;
  before: string;
  changed: string[];
  file: string;
  lock: LockFile | null;
  unresolved: string[];
  written: boolean;
}
export interface LockFile {
  after: string;
  before: string;
  file: string;
}
export interface FreezeRequest {
  /**
   * pin what this kernel has installed; null: the server's environment
   */
  kernel_id?: string | null;
  lock?: boolean;
  /**
   * the live nbformat-4 model; null to read the file
   */
  notebook?: {
    [k: string]: unknown;
  } | null;
  /**
   * the notebook, relative to the server root
   */
  path: string;
  target?: 'auto' | 'requirements' | 'pyproject';
  write?: boolean;
}
/**
 * What ``jupyter-readiness rehearse --format json`` prints (and the rehearse job answers).
 *
 * ``status``: ``passed`` every run finished and no finding is an error; ``failed`` otherwise;
 * ``cancelled``; ``error`` the rehearsal could not run (``error`` says why: an unreadable
 * notebook, no such kernel, a folder over the size limit) and nothing else is set. ``record`` is
 * the baseline and findings as stored beside the notebook; its ``cells`` are the per-cell results
 * (status, time and peak memory of each run, files written and read).
 */
export interface RehearseReply {
  diffs: OutputDiff[];
  error: string | null;
  findings: Finding[];
  first_cell_seconds: number | null;
  notes: string[];
  path: string;
  record: RehearsalRecord | null;
  record_file: string | null;
  seconds: number;
  status: 'passed' | 'failed' | 'cancelled' | 'error';
  version: 1;
}
/**
 * The outputs of one cell that differ: saved against a fresh run (``output-mismatch``), or
 * run 1 against run 2 (``nondeterministic-output``), after sanitising; a unified diff.
 */
export interface OutputDiff {
  after: string;
  before: string;
  cell_index: number;
  check: 'output-mismatch' | 'nondeterministic-output';
  diff: string;
}
export interface RehearsalRecord {
  cells: CellBaseline[];
  code_cells: number[];
  files: FileBaseline[];
  findings: Finding[];
  in_place: boolean;
  kernel: string;
  key: string;
  notebook: string;
  parameters: {
    [k: string]: unknown;
  };
  passed: boolean;
  rehearsed_at: string;
  runs: number;
  seconds: number;
  version: 1;
}
export interface CellBaseline {
  cell_id: string | null;
  cell_index: number;
  external: string[];
  reads: string[];
  runs: CellTiming[];
  writes: string[];
}
/**
 * One code cell in one run.
 */
export interface CellTiming {
  peak_memory: number | null;
  seconds: number | null;
  status: 'ok' | 'error' | 'timeout' | 'dead' | 'cancelled' | 'not-run';
}
/**
 * A file the first run created or changed, as it was after that run.
 */
export interface FileBaseline {
  cells: number[];
  path: string;
  sha256: string;
  size: number;
}
/**
 * What ``POST /readiness/waive`` answers: the contract file before and after the waiver.
 */
export interface WaiveReply {
  after: string;
  before: string;
  created: boolean;
  file: string;
  replaced: boolean;
  waiver: WaiverEntry;
  written: boolean;
}
export interface WaiverEntry {
  cell: string | null;
  check: string;
  expires: string | null;
  notebook: string;
  reason: string;
}
export interface WaiveRequest {
  /**
   * the cell's id; null waives the whole notebook
   */
  cell_id?: string | null;
  /**
   * the check id of the finding to waive
   */
  check: string;
  /**
   * the last day the waiver counts (ISO date); null: never
   */
  expires?: string | null;
  /**
   * the live nbformat-4 model (to find the cell); null to read the file
   */
  notebook?: {
    [k: string]: unknown;
  } | null;
  /**
   * the notebook, relative to the server root
   */
  path: string;
  /**
   * why the team accepts the finding
   */
  reason: string;
  /**
   * write the contract file; false: preview only
   */
  write?: boolean;
}
