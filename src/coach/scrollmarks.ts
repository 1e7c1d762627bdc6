/**
 * Marks in the notebook's scrollbar: a thin strip beside the scrollbar with a
 * mark per finding, at the height its line has in the whole notebook and in
 * the colour of its severity; a click jumps to the finding. The strip is an
 * overlay of the notebook panel (the scrollbar itself is the browser's).
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';

import { cellOf } from '../cells';
import type { Finding } from '../types';
import { findingKey } from './order';
import { findingPlace } from './where';

const STRIP = 'readiness-scroll-marks';
const MARK = 'readiness-scroll-mark';

export class ScrollMarks {
  constructor(
    private readonly _panel: NotebookPanel,
    private readonly _onJump: (finding: Finding) => void,
    private readonly _trans: TranslationBundle
  ) {
    this._strip = document.createElement('div');
    this._strip.className = STRIP;
    _panel.node.appendChild(this._strip);
    // The notebook's viewport grows and shrinks with its cells, its outer
    // node with the window: the marks follow both.
    this._observer = new ResizeObserver(() => this._schedule());
    this._observer.observe(_panel.content.outerNode);
    this._observer.observe(_panel.content.viewportNode);
    _panel.content.model?.cells.changed.connect(this._schedule, this);
    _panel.disposed.connect(() => this._observer.disconnect());
  }

  update(findings: Finding[]): void {
    this._findings = findings;
    this._schedule();
  }

  private _schedule(): void {
    if (this._frame === 0) {
      this._frame = requestAnimationFrame(() => {
        this._frame = 0;
        this._draw();
      });
    }
  }

  private _draw(): void {
    // The windowed list scrolls its outer node, not the notebook's own.
    const scroller = this._panel.content.outerNode;
    const strip = this._strip;
    const box = scroller.getBoundingClientRect();
    const frame = this._panel.node.getBoundingClientRect();
    // Beside the scrollbar, not on it: a mark must not take its drags.
    strip.style.top = `${box.top - frame.top}px`;
    strip.style.height = `${scroller.clientHeight}px`;
    strip.style.right = `${frame.right - box.right + scroller.offsetWidth - scroller.clientWidth}px`;
    const total = scroller.scrollHeight;
    const origin = box.top - scroller.scrollTop;
    const marks: HTMLElement[] = [];
    this._findings.forEach((finding, n) => {
      const cell = cellOf(this._panel, finding);
      if (!cell || !cell.node.isConnected || total === 0) {
        return;
      }
      let top = cell.node.getBoundingClientRect().top - origin;
      const editor = cell.model.type === 'code' ? cell.editor : null;
      if (editor && finding.line !== null) {
        const line = Math.min(finding.line, editor.lineCount) - 1;
        const at = editor.getCoordinateForPosition({ line, column: 0 });
        if (at) {
          top = at.top - origin;
        }
      }
      // Marks are kept between draws (a layout change only moves them), so
      // one stays put under the pointer while the notebook settles.
      let mark = strip.children[n] as HTMLElement | undefined;
      if (!mark || mark.dataset.key !== findingKey(finding)) {
        mark = document.createElement('div');
        mark.className = MARK;
        mark.dataset.key = findingKey(finding);
        mark.dataset.severity = finding.severity;
        mark.dataset.check = finding.check;
        mark.dataset.cellIndex = String(finding.cell_index ?? '');
        mark.title = `${findingPlace(finding, this._trans)}: ${finding.message}`;
        mark.addEventListener('click', () => this._onJump(finding));
      }
      mark.style.top = `${(100 * Math.max(0, top)) / total}%`;
      marks.push(mark);
    });
    if (
      marks.length !== strip.children.length ||
      marks.some((mark, n) => strip.children[n] !== mark)
    ) {
      strip.replaceChildren(...marks);
    }
  }

  private readonly _strip: HTMLElement;
  private readonly _observer: ResizeObserver;
  private _findings: Finding[] = [];
  private _frame = 0;
}
