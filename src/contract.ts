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
  FixReply?: FixReply;
  FixRequest?: FixRequest;
  FreezeReply?: FreezeReply;
  FreezeRequest?: FreezeRequest;
  RehearseJob?: RehearseJob;
  RehearseReply?: RehearseReply;
  RehearseRequest?: RehearseRequest;
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
 * What ``POST /readiness/check`` answers: the notebook report plus the kernel's status, the
 * handoff verdict under the project's contract (computed as ``jupyter-readiness contract``
 * computes it: the project's configuration, no kernel; so the sidebar and CI agree), and the
 * notebook's last rehearsal (null: never rehearsed, or its record is unreadable).
 */
export interface CheckReply {
  band: 'ready' | 'attention' | 'blocked';
  checklist: ChecklistItem[];
  contract: ContractVerdict;
  error: string | null;
  findings: Finding[];
  kernel: KernelInfo;
  must_fix: number;
  path: string;
  rehearsal: RehearsalSummary | null;
  score: number;
  suppressed: Suppressed[];
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
 *
 * ``cells``: every cell the finding is about, its own first (one re-run cell: every cell it put
 * out of order); ``[]`` for a notebook-level finding about no cell in particular. ``cause``: the
 * finding this one follows from (a hidden-state read of a name that a cell which does not parse
 * defines), shown under it. ``file``/``file_line``: for a finding in a local module the notebook
 * imports, the module (relative to the notebook's folder, '/'-separated) and the line in it;
 * ``cell_index``/``line`` are then the importing cell and line. ``execution_count``: the cell's
 * count when it was checked (``[13]`` in JupyterLab). ``fixes``: computed only when asked for (the
 * server's check, ``check --show-fixes``, ``fix``); see fixes.py.
 */
export interface Finding {
  cause: Cause | null;
  cell_id: string | null;
  cell_index: number | null;
  cells: number[];
  check: string;
  execution_count: number | null;
  file: string | null;
  file_line: number | null;
  fixes: Fix[];
  line: number | null;
  message: string;
  severity: 'error' | 'warning' | 'info';
  suggestion: string;
}
/**
 * The finding another one follows from: fix it, and the other goes (or reads differently).
 */
export interface Cause {
  cell_index: number | null;
  check: string;
}
/**
 * A way to resolve a finding. ``edits``: cell edits the core computed (empty for a command).
 * ``command``: a JupyterLab command that is the fix instead (``notebook:restart-run-all``,
 * ``readiness:rehearse``, ``readiness:freeze-env``, ``readiness:extract-to-module``); the CLI
 * never runs commands. ``safe``: the fix keeps what the notebook computes (ruff's convention:
 * ``fix`` applies only safe fixes unless ``--unsafe-fixes``); ``note`` says what an unsafe fix
 * may change, or what to do next.
 */
export interface Fix {
  command: string | null;
  edits: (ReplaceSource | InsertText | InsertCell | SetTags | ClearOutputs)[];
  id: string;
  note: string | null;
  safe: boolean;
  title: string;
}
/**
 * Replace the cell's whole source.
 */
export interface ReplaceSource {
  cell_id: string | null;
  cell_index: number;
  kind: 'replace-source';
  source: string;
}
/**
 * Insert ``text`` at the end of line ``line`` of the cell (before its line break); ``line`` 0
 * inserts it before the first line. Used where the edit must not carry the cell's source (an
 * ignore comment on a line that holds a credential).
 */
export interface InsertText {
  cell_id: string | null;
  cell_index: number;
  kind: 'insert-text';
  line: number;
  text: string;
}
/**
 * Insert a new cell (no outputs, never run) so that it has index ``index``; the cells from
 * there on move down one.
 */
export interface InsertCell {
  cell_type: 'code' | 'markdown';
  index: number;
  kind: 'insert-cell';
  source: string;
  tags: string[];
}
/**
 * Set the cell's ``metadata.tags`` to exactly ``tags``.
 */
export interface SetTags {
  cell_id: string | null;
  cell_index: number;
  kind: 'set-tags';
  tags: string[];
}
/**
 * Remove the cell's outputs (its execution count stays).
 */
export interface ClearOutputs {
  cell_id: string | null;
  cell_index: number;
  kind: 'clear-outputs';
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
/**
 * The notebook's last rehearsal, from the record beside it (REST check reply). ``applies``:
 * the record matches the notebook's code, kernel and parameters, so its findings are in the
 * report; ``cells`` and ``diffs`` are then at the cells' current indices (else empty).
 */
export interface RehearsalSummary {
  applies: boolean;
  cells: CellBaseline[];
  diffs: OutputDiff[];
  findings: number;
  in_place: boolean;
  parameters: {
    [k: string]: unknown;
  };
  passed: boolean;
  rehearsed_at: string;
  runs: number;
  seconds: number;
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
/**
 * A finding a ``# readiness: ignore[...]`` comment silenced: where, and the comment's reason
 * (the text after the brackets), if any. ``file``: the local module whose line holds the comment.
 */
export interface Suppressed {
  cell_index: number | null;
  check: string;
  file: string | null;
  line: number | null;
  reason: string | null;
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
 *
 * ``score``, ``band`` and ``must_fix`` come from lint/score.py, the one place every view (CLI,
 * sidebar, toolbar, export) takes them from: ``band`` is "blocked" when an error-severity finding
 * remains (``must_fix`` counts them, findings folded under a cause not counted again),
 * "attention" with warnings, else "ready". ``suppressed``: findings silenced by a
 * ``# readiness: ignore[...]`` comment, kept out of ``findings`` and of the score.
 */
export interface NotebookReport {
  band: 'ready' | 'attention' | 'blocked';
  checklist: ChecklistItem[];
  error: string | null;
  findings: Finding[];
  must_fix: number;
  path: string;
  score: number;
  suppressed: Suppressed[];
}
/**
 * What ``jupyter-readiness contract --format json`` prints.
 */
export interface ContractRun {
  changed_since: string | null;
  notebooks: ContractVerdict[];
  orphaned_waivers: OrphanedWaiver[];
  version: 1;
}
/**
 * A waiver naming a notebook that is not there (renamed or deleted): it accepts nothing.
 */
export interface OrphanedWaiver {
  cell: string | null;
  check: string;
  contract: string;
  notebook: string;
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
  origin: 'cell' | 'clock' | 'seed';
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
   * who to contact about the package (the README says it); null: nobody named
   */
  contact?: string | null;
  /**
   * check ids the user turned off (sidebar settings), so the readiness at export is the sidebar's
   *
   * @maxItems 100
   */
  disable?: string[];
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
   * a Copier template folder relative to the server root for the project's scaffolding; null: the project's [tool.jupyter-readiness] template, else the built-in one (URLs only from the command line or the project's configuration)
   */
  template?: string | null;
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
  definitions: string[];
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
   * 0-based over all cells, contiguous: code cells, and markdown cells that stay in the notebook
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
 * What ``POST /readiness/fix`` answers (``jupyter-readiness fix`` plans the same): the fixes
 * applied in order, the cells' sources before and after as a unified diff (credentials masked),
 * the fixed notebook, and its report (what remains, and the fixes still available).
 */
export interface FixReply {
  applied: AppliedFix[];
  diff: string;
  notebook: {
    [k: string]: unknown;
  };
  path: string;
  report: NotebookReport;
  unsafe_available: number;
  written: boolean;
}
/**
 * One fix ``fix`` applied: the finding it resolved, located in the notebook as it was then.
 */
export interface AppliedFix {
  cell_id: string | null;
  cell_index: number | null;
  check: string;
  fix: string;
  line: number | null;
  note: string | null;
  safe: boolean;
  title: string;
}
export interface FixRequest {
  /**
   * check ids the user turned off (sidebar settings)
   *
   * @maxItems 100
   */
  disable?: string[];
  /**
   * the notebook's kernel: its history restores deleted definitions, its environment pins installs
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
  /**
   * fix only findings of these check ids; empty: all
   *
   * @maxItems 100
   */
  select?: string[];
  /**
   * also apply fixes that may change what the notebook computes
   */
  unsafe?: boolean;
  /**
   * write the fixed notebook to the file; false: preview only
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
  warnings: string[];
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
  /**
   * exact versions typed for what the environment does not have: an unresolved name -> '1.2.3', or 'distribution==1.2.3' when the distribution's name differs from the module's
   */
  versions?: {
    [k: string]: string;
  };
  write?: boolean;
}
/**
 * What ``POST /readiness/rehearse`` answers (the job it started) and ``GET`` / ``DELETE
 * /readiness/rehearse/<job_id>`` answer: where the rehearsal is, and its reply once finished.
 *
 * ``phase`` and the fields after it are the latest progress event: ``cell-started`` with
 * ``cell_index`` is the cell running now (cell ``position`` of ``cells`` in run ``run`` of
 * ``runs``). ``finished_cells`` lists the cells finished so far, from the ``since``-th on (a
 * query parameter, so a poller asks only for what it has not seen).
 */
export interface RehearseJob {
  cell_index: number | null;
  cells: number;
  elapsed: number;
  finished_cells: CellProgress[];
  first_cell_seconds: number | null;
  job_id: string;
  path: string;
  phase: 'started' | 'copying' | 'kernel-starting' | 'cell-started' | 'cell-finished' | 'comparing' | 'finished';
  position: number;
  reply: RehearseReply | null;
  run: number;
  runs: number;
  state: 'running' | 'cancelling' | 'finished';
}
/**
 * A cell a rehearsal job's run has finished.
 */
export interface CellProgress {
  cell_index: number;
  peak_memory: number | null;
  position: number;
  run: number;
  seconds: number | null;
  status: 'ok' | 'error' | 'timeout' | 'dead' | 'cancelled' | 'not-run';
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
export interface RehearsalRecord {
  cells: CellBaseline[];
  code_cells: number[];
  diffs: OutputDiff[];
  files: FileBaseline[];
  findings: Finding[];
  in_place: boolean;
  kernel: string;
  key: string;
  notebook: string;
  outputs: OutputShape[];
  parameters: {
    [k: string]: unknown;
  };
  passed: boolean;
  rehearsed_at: string;
  runs: number;
  seconds: number;
  static: StaticVerdict[];
  version: 1;
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
 * The shape of a file the first run wrote, read back as its readers read it: a table (CSV,
 * TSV, Parquet, a JSON list of objects, with pandas' defaults; or one table of a SQLite file,
 * which gives one shape per table) or a record (a JSON object).
 */
export interface OutputShape {
  columns: ColumnShape[];
  kind: 'table' | 'record';
  path: string;
  rows: number | null;
  table: string | null;
}
/**
 * One column of a table the run wrote (or one key of a JSON object it wrote).
 */
export interface ColumnShape {
  dtype: string;
  name: string;
  nullable: boolean;
  values: string[] | null;
}
/**
 * A static finding on this cell that the rehearsal confirmed (a NameError proves a
 * ``hidden-state``) or contradicted (the cell ran fine in a fresh kernel), and why.
 */
export interface StaticVerdict {
  cell_index: number;
  check: string;
  confirmed: boolean;
  reason: string;
}
export interface RehearseRequest {
  /**
   * seconds for each cell; 0: no limit
   */
  cell_timeout?: number;
  /**
   * run in the notebook's real folder (its files are changed); else a scratch copy
   */
  in_place?: boolean;
  /**
   * the kernelspec to run; null: the notebook's
   */
  kernel_name?: string | null;
  /**
   * the live nbformat-4 model (unsaved edits count); null to read the file
   */
  notebook?: {
    [k: string]: unknown;
  } | null;
  /**
   * name → value text, over the values of the cell tagged `parameters`; a value is read as a Python literal, anything else as a string (as `jupyter-readiness rehearse -p NAME VALUE`)
   */
  parameters?: {
    [k: string]: string;
  };
  /**
   * the notebook, relative to the server root
   */
  path: string;
  /**
   * fresh runs; 1 skips the comparison between runs
   */
  runs?: 1 | 2;
  /**
   * seconds for the whole rehearsal; 0: no limit
   */
  timeout?: number;
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
