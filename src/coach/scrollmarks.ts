/**
 * Marks in the notebook's scrollbar: a thin strip beside the scrollbar with a
 * mark per finding, at the height its line has in the whole notebook and in
 * the colour of its severity; a click jumps to the finding. The strip is an
 * overlay of the notebook panel (the scrollbar itself is the browser's).
 * Every finding with a cell has its mark, drawn or not (see `_layout`).
 */
import type { Cell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';

import { cellOf } from '../cells';
import type { Finding } from '../types';
import { findingKey } from './order';
import { findingPlace } from './where';

const STRIP = 'readiness-scroll-marks';
const MARK = 'readiness-scroll-mark';
const SETTLE_MS = 500;

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
    // Cells drawn or hidden as the notebook scrolls move the estimates.
    _panel.content.outerNode.addEventListener(
      'scroll',
      () => this._schedule(),
      {
        passive: true
      }
    );
    _panel.content.model?.cells.changed.connect(this._schedule, this);
    _panel.disposed.connect(() => {
      this._observer.disconnect();
      window.clearTimeout(this._settle);
    });
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
    const origin = box.top - scroller.scrollTop;
    const { tops, total } = this._layout(origin, scroller.scrollHeight);
    const marks: HTMLElement[] = [];
    this._findings.forEach((finding, n) => {
      const cell = cellOf(this._panel, finding);
      const place = cell ? tops.get(cell) : undefined;
      if (!cell || !place || total === 0) {
        return;
      }
      let top = place.top;
      const editor =
        place.drawn && cell.model.type === 'code' ? cell.editor : null;
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

  /**
   * Where each cell starts in the notebook's scrolled content, and the
   * content's height. A drawn cell is where the DOM has it; a cell JupyterLab
   * has not laid out (a long notebook's cells out of view: detached, hidden,
   * or not rendered yet, depending on the windowing mode) follows the one
   * above it, as tall as its lines would be at the drawn cells' height per
   * line, so every finding has its mark, in notebook order.
   */
  private _layout(
    origin: number,
    scrollHeight: number
  ): { tops: Map<Cell, { top: number; drawn: boolean }>; total: number } {
    const cells = this._panel.content.widgets;
    const boxes = cells.map(cell => {
      const box = cell.node.isConnected
        ? cell.node.getBoundingClientRect()
        : null;
      return box && box.height > 0 ? box : null;
    });
    // While JupyterLab is still rendering cells (a notebook just opened),
    // draw again once it has rendered some more.
    if (this._settle === 0 && cells.some(cell => cell.isPlaceholder())) {
      this._settle = window.setTimeout(() => {
        this._settle = 0;
        this._schedule();
      }, SETTLE_MS);
    }
    const tops = new Map<Cell, { top: number; drawn: boolean }>();
    if (boxes.every(box => box !== null)) {
      boxes.forEach((box, i) =>
        tops.set(cells[i], { top: box!.top - origin, drawn: true })
      );
      return { tops, total: scrollHeight };
    }
    // A cell's lines, plus one for its prompt and padding.
    const lines = cells.map(
      cell => cell.model.sharedModel.getSource().split('\n').length + 1
    );
    let drawnHeight = 0;
    let drawnLines = 0;
    boxes.forEach((box, i) => {
      if (box) {
        drawnHeight += box.height;
        drawnLines += lines[i];
      }
    });
    const perLine = drawnLines > 0 ? drawnHeight / drawnLines : 20;
    let next = 0;
    cells.forEach((cell, i) => {
      const box = boxes[i];
      if (box) {
        tops.set(cell, { top: box.top - origin, drawn: true });
        next = box.bottom - origin;
      } else {
        tops.set(cell, { top: next, drawn: false });
        next += lines[i] * perLine;
      }
    });
    return { tops, total: Math.max(scrollHeight, next) };
  }

  private readonly _strip: HTMLElement;
  private readonly _observer: ResizeObserver;
  private _findings: Finding[] = [];
  private _frame = 0;
  private _settle = 0;
}
