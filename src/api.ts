/**
 * Calls to the server extension's REST routes under /readiness/.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import type {
  CheckCatalogue,
  CheckReply,
  CheckRequest,
  ExportReply,
  ExportRequest,
  ExtractReply,
  ExtractRequest,
  FreezeReply,
  FreezeRequest,
  FixReply,
  FixRequest,
  RehearseJob,
  RehearseRequest,
  WaiveReply,
  WaiveRequest
} from './types';

/**
 * A request the server refused: its status, message, and any more members of
 * the JSON error reply (a 409 for a notebook already being rehearsed names
 * that `job_id`).
 */
export class RequestError extends ServerConnection.ResponseError {
  constructor(
    response: Response,
    message: string,
    readonly data: Record<string, unknown>
  ) {
    super(response, message);
  }
}

async function request<T>(
  path: string,
  init: RequestInit,
  settings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, 'readiness', path);
  // An aborted request rejects too (as a NetworkError): callers that abort
  // check their own signal and drop the outcome.
  const response = await ServerConnection.makeRequest(url, init, settings);
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (e.g. a proxy's HTML error page): the status line is the message
  }
  if (!response.ok) {
    throw new RequestError(
      response,
      (data as { message?: string } | null)?.message ||
        response.statusText ||
        `HTTP ${response.status}`,
      data && typeof data === 'object' ? (data as Record<string, unknown>) : {}
    );
  }
  return data as T;
}

/**
 * Check one notebook; `signal` aborts the request when a newer one supersedes it.
 */
export function checkNotebook(
  body: CheckRequest,
  signal?: AbortSignal
): Promise<CheckReply> {
  return request<CheckReply>('check', {
    method: 'POST',
    body: JSON.stringify(body),
    signal
  });
}

/**
 * The catalogue of checks the server knows.
 */
export function fetchCatalogue(): Promise<CheckCatalogue> {
  return request<CheckCatalogue>('checks', { method: 'GET' });
}

/**
 * Pin what the notebook imports (a preview unless `body.write`); `signal`
 * aborts a preview that a newer one supersedes.
 */
export function freezeEnvironment(
  body: FreezeRequest,
  signal?: AbortSignal
): Promise<FreezeReply> {
  return request<FreezeReply>('freeze', {
    method: 'POST',
    body: JSON.stringify(body),
    signal
  });
}

/**
 * Extract cells into a module function (a preview unless `body.write`);
 * `signal` aborts a preview that a newer one supersedes.
 */
export function extractToModule(
  body: ExtractRequest,
  signal?: AbortSignal
): Promise<ExtractReply> {
  return request<ExtractReply>('extract', {
    method: 'POST',
    body: JSON.stringify(body),
    signal
  });
}

/**
 * Export the notebook as an installable package (a preview unless
 * `body.write`); `signal` aborts a preview that a newer one supersedes.
 */
export function exportPackage(
  body: ExportRequest,
  signal?: AbortSignal
): Promise<ExportReply> {
  return request<ExportReply>('export', {
    method: 'POST',
    body: JSON.stringify(body),
    signal
  });
}

/**
 * Waive a finding in the project's contract file (a preview unless
 * `body.write`); `signal` aborts a preview that a newer one supersedes.
 */
export function waiveFinding(
  body: WaiveRequest,
  signal?: AbortSignal
): Promise<WaiveReply> {
  return request<WaiveReply>('waive', {
    method: 'POST',
    body: JSON.stringify(body),
    signal
  });
}

/**
 * Apply the fixes of a notebook's findings (to a copy: the fixed notebook is
 * in the reply; the file is written only with `body.write`).
 */
export function fixNotebook(body: FixRequest): Promise<FixReply> {
  return request<FixReply>('fix', {
    method: 'POST',
    body: JSON.stringify(body)
  });
}

/**
 * Start a rehearsal of the notebook (two fresh runs in new kernels): the job
 * as it starts. A notebook already being rehearsed is a RequestError 409 whose
 * `data.job_id` is that job.
 */
export function startRehearsal(body: RehearseRequest): Promise<RehearseJob> {
  return request<RehearseJob>('rehearse', {
    method: 'POST',
    body: JSON.stringify(body)
  });
}

/**
 * A rehearsal job's progress (its reply once finished); `since` leaves out the
 * finished cells already seen.
 */
export function rehearsalStatus(
  jobId: string,
  since: number,
  signal?: AbortSignal
): Promise<RehearseJob> {
  return request<RehearseJob>(
    `rehearse/${encodeURIComponent(jobId)}?since=${since}`,
    { method: 'GET', signal }
  );
}

/**
 * Cancel a rehearsal job (it stops within moments: poll until it is finished).
 */
export function cancelRehearsal(jobId: string): Promise<RehearseJob> {
  return request<RehearseJob>(`rehearse/${encodeURIComponent(jobId)}`, {
    method: 'DELETE'
  });
}
