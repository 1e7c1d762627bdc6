/**
 * The live notebook as every request sends it: unsaved edits count, but no
 * rich-output bytes. The server never needs them (its checks read code, text
 * outputs and tracebacks; a rehearsal compares images by presence and pixel
 * size), and a notebook full of plots must stay under the server's
 * `max_body_bytes`. Each non-text MIME payload of an output (images,
 * `application/*` bundles, markdown attachments) becomes a short placeholder
 * that keeps its type and byte size, and for PNG, GIF and JPEG its pixel
 * size: `"<image/png 12345 bytes, 640x480>"` (read back by
 * `actions/rehearse/outputs.py`).
 */
import type {
  IAttachments,
  IMimeBundle,
  INotebookContent,
  IOutput,
  MultilineString
} from '@jupyterlab/nbformat';
import type { NotebookPanel } from '@jupyterlab/notebook';

/**
 * The panel's notebook, slimmed, as the request bodies send it.
 */
export function liveNotebook(panel: NotebookPanel): INotebookContent {
  return slimNotebook(panel.context.model.toJSON() as INotebookContent);
}

/**
 * A copy of `notebook` whose non-text MIME payloads are placeholders (the
 * cells and outputs that hold none are shared with the original).
 */
function slimNotebook(notebook: INotebookContent): INotebookContent {
  return {
    ...notebook,
    cells: notebook.cells.map(cell => {
      let slim = cell;
      const outputs = (cell as { outputs?: IOutput[] }).outputs;
      if (Array.isArray(outputs) && outputs.some(hasPayload)) {
        slim = { ...slim, outputs: outputs.map(slimOutput) };
      }
      const attachments = (cell as { attachments?: IAttachments }).attachments;
      if (attachments && typeof attachments === 'object') {
        const slimmed: IAttachments = {};
        for (const [name, bundle] of Object.entries(attachments)) {
          slimmed[name] = bundle ? slimBundle(bundle) : bundle;
        }
        slim = { ...slim, attachments: slimmed };
      }
      return slim;
    })
  };
}

/**
 * The placeholder of one payload.
 */
function placeholder(mime: string, value: unknown): string {
  const text = textOf(value);
  const base64 = isBase64Mime(mime) && text !== null;
  const bytes =
    text === null
      ? utf8Length(JSON.stringify(value) ?? '')
      : base64
        ? base64Bytes(text)
        : utf8Length(text);
  const size = base64 ? pixelSize(mime, text) : null;
  return size
    ? `<${mime} ${bytes} bytes, ${size[0]}x${size[1]}>`
    : `<${mime} ${bytes} bytes>`;
}

function hasPayload(output: IOutput): boolean {
  const data = (output as { data?: IMimeBundle }).data;
  return (
    !!data &&
    typeof data === 'object' &&
    Object.keys(data).some(mime => !isText(mime))
  );
}

function slimOutput(output: IOutput): IOutput {
  const data = (output as { data?: IMimeBundle }).data;
  if (!hasPayload(output) || !data) {
    return output;
  }
  return { ...output, data: slimBundle(data) };
}

function slimBundle(bundle: IMimeBundle): IMimeBundle {
  const slim: IMimeBundle = {};
  for (const [mime, value] of Object.entries(bundle)) {
    slim[mime] = isText(mime) ? value : placeholder(mime, value);
  }
  return slim;
}

function isText(mime: string): boolean {
  return mime.startsWith('text/');
}

function isBase64Mime(mime: string): boolean {
  // Binary MIME payloads are base64 in nbformat; SVG and JSON are text.
  return !mime.endsWith('+xml') && !/json$/.test(mime);
}

function textOf(value: unknown): string | null {
  if (typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value) && value.every(v => typeof v === 'string')) {
    return (value as MultilineString as string[]).join('');
  }
  return null;
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

function base64Bytes(text: string): number {
  const compact = text.replace(/\s+/g, '');
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((compact.length * 3) / 4) - padding);
}

/**
 * Decode the start of a base64 payload (at most `chars` characters).
 */
function head(base64: string, chars: number): Uint8Array | null {
  const compact = base64.replace(/\s+/g, '');
  const take = compact.slice(0, chars - (chars % 4)).replace(/=+$/, '');
  try {
    const binary = atob(take + '='.repeat((4 - (take.length % 4)) % 4));
    return Uint8Array.from(binary, c => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * Width and height from a PNG, GIF or JPEG header, as the server reads them.
 */
function pixelSize(mime: string, base64: string): [number, number] | null {
  if (mime === 'image/png') {
    const b = head(base64, 44);
    if (
      b &&
      b.length >= 24 &&
      b[0] === 0x89 &&
      b[1] === 0x50 &&
      String.fromCharCode(...b.slice(12, 16)) === 'IHDR'
    ) {
      const view = new DataView(b.buffer);
      return [view.getUint32(16), view.getUint32(20)];
    }
    return null;
  }
  if (mime === 'image/gif') {
    const b = head(base64, 16);
    if (
      b &&
      b.length >= 10 &&
      String.fromCharCode(...b.slice(0, 3)) === 'GIF'
    ) {
      const view = new DataView(b.buffer);
      return [view.getUint16(6, true), view.getUint16(8, true)];
    }
    return null;
  }
  if (mime === 'image/jpeg') {
    // The frame header usually comes within the first kilobytes (after EXIF).
    const b = head(base64, 262144);
    return b ? jpegSize(b) : null;
  }
  return null;
}

const SOF = new Set([
  0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf
]);

function jpegSize(b: Uint8Array): [number, number] | null {
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) {
      return null;
    }
    const marker = b[at + 1];
    const length = (b[at + 2] << 8) | b[at + 3];
    if (SOF.has(marker)) {
      return [(b[at + 7] << 8) | b[at + 8], (b[at + 5] << 8) | b[at + 6]];
    }
    at += 2 + length;
  }
  return null;
}
