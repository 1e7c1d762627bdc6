/**
 * The REST contract of the server extension. The interfaces are generated
 * (src/contract.ts, from python/jupyterlab_readiness/contract/rest.schema.json,
 * which the Python models produce); this module names their parts and narrows
 * the fields the generator can only type loosely (notebook JSON).
 */
import type { ICodeCell, INotebookContent } from '@jupyterlab/nbformat';

import type * as contract from './contract';

export type {
  Catalogue as CheckCatalogue,
  CellBaseline,
  CellProgress,
  CellTiming,
  CheckInfo as CheckSpec,
  CheckReply,
  ChecklistItem,
  ClauseVerdict,
  ContractVerdict,
  ExportFile,
  ExportParameter,
  ExportReply,
  ExportStep,
  Finding,
  Fix,
  FixReply,
  FreezeReply,
  KernelInfo,
  LockFile,
  NotebookReport,
  OutputDiff,
  RehearsalSummary,
  RehearseJob,
  RehearseReply,
  WaiveReply
} from './contract';

export type Severity = contract.Finding['severity'];

export type ItemStatus = contract.ChecklistItem['status'];

export type KernelStatus = contract.KernelInfo['status'];

/**
 * Where `POST /readiness/freeze` merges the pins: `auto` is the project's
 * pyproject.toml when it has a [project] table, else requirements.txt.
 */
export type FreezeTarget = NonNullable<contract.FreezeRequest['target']>;

/**
 * What writing a file of the package does (`conflict`: edited since the last
 * export, or there before it, so the export leaves it alone).
 */
export type ExportFileStatus = contract.ExportFile['status'];

type WithNotebook<T> = Omit<T, 'notebook'> & {
  notebook?: INotebookContent | null;
};

/**
 * The bodies the frontend sends: the live notebook (unsaved edits count).
 */
export type CheckRequest = WithNotebook<contract.CheckRequest>;
export type FreezeRequest = WithNotebook<contract.FreezeRequest>;
export type ExtractRequest = Omit<
  WithNotebook<contract.ExtractRequest>,
  'cell_indices'
> & {
  /**
   * 0-based over ALL cells: contiguous code cells (at least one; the server
   * says so when there is none).
   */
  cell_indices: number[];
};
export type ExportRequest = WithNotebook<contract.ExportRequest>;
export type WaiveRequest = WithNotebook<contract.WaiveRequest>;
export type FixRequest = WithNotebook<contract.FixRequest>;
export type RehearseRequest = WithNotebook<contract.RehearseRequest>;

/**
 * The reply of `POST /readiness/extract`, its replacement cell typed as one.
 */
export type ExtractReply = Omit<contract.ExtractReply, 'replacement_cell'> & {
  replacement_cell: ICodeCell;
};
