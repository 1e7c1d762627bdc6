/**
 * One undo for one application of a fix, however many cells it touches.
 *
 * JupyterLab's default history is per cell: each cell's editor has an undo
 * manager of its own (Ctrl+Z in the cell, and the Edit menu's Undo, reach
 * it), and cell insertions and deletions go to the notebook's manager (Z in
 * command mode). A fix that edits a cell and inserts another leaves a step in
 * two managers. The steps of one application are linked here: undoing (or
 * redoing) any of them undoes (or redoes) the others, so one Ctrl+Z in the
 * edited cell or one Z in command mode reverts the whole application.
 *
 * All managers of a notebook are Yjs UndoManagers of the same document; the
 * link is kept in their stack items' `meta`, which Yjs reserves for such use.
 */

interface IStackItem {
  meta: Map<unknown, unknown>;
}

/**
 * The part of Yjs' UndoManager used here (@jupyter/ydoc does not re-export
 * its type).
 */
export interface IUndoManager {
  undoStack: IStackItem[];
  redoStack: IStackItem[];
  undo(): unknown;
  redo(): unknown;
  stopCapturing(): void;
  on(
    name: 'stack-item-popped',
    handler: (event: { stackItem: IStackItem; type: 'undo' | 'redo' }) => void
  ): void;
}

interface IStep {
  manager: IUndoManager;
  item: IStackItem;
}

const LINK = 'jupyterlab-readiness:one-application';

/**
 * Run `apply`, whose edits land in some of `managers`, as one step: each
 * manager's new stack item is linked to the others'. The surrounding
 * `stopCapturing` calls keep a neighbouring edit (the user's typing a moment
 * before, or after) out of the step.
 */
export function asOneStep(
  managers: (IUndoManager | null | undefined)[],
  apply: () => void
): void {
  const unique = [...new Set(managers)].filter(
    (manager): manager is IUndoManager => !!manager
  );
  const before = unique.map(manager => {
    manager.stopCapturing();
    return top(manager.undoStack);
  });
  apply();
  const steps: IStep[] = [];
  unique.forEach((manager, n) => {
    manager.stopCapturing();
    const item = top(manager.undoStack);
    if (item && item !== before[n]) {
      steps.push({ manager, item });
    }
  });
  link(steps);
}

function top(stack: IStackItem[]): IStackItem | undefined {
  return stack[stack.length - 1];
}

const watched = new WeakSet<IUndoManager>();

/**
 * Set while the linked steps follow the one the user undid, so that their
 * own events do not start over.
 */
let following = false;

function link(steps: IStep[]): void {
  if (steps.length < 2) {
    return;
  }
  for (const { manager, item } of steps) {
    item.meta.set(LINK, steps);
    if (!watched.has(manager)) {
      watched.add(manager);
      manager.on('stack-item-popped', ({ stackItem, type }) =>
        follow(manager, stackItem, type)
      );
    }
  }
}

/**
 * `manager` just undid (or redid) `item`: do the same with its linked steps
 * that are still on top of their stacks (a cell edited since keeps its later
 * edits and the fix's edit under them), then link the reverse steps Yjs made,
 * so a redo (or the next undo) is one step too.
 */
function follow(
  manager: IUndoManager,
  item: IStackItem,
  type: 'undo' | 'redo'
): void {
  const steps = item.meta.get(LINK) as IStep[] | undefined;
  if (!steps || following) {
    return;
  }
  const from = (m: IUndoManager) =>
    type === 'undo' ? m.undoStack : m.redoStack;
  const to = (m: IUndoManager) => (type === 'undo' ? m.redoStack : m.undoStack);
  const reverse: (IStep | null)[] = [];
  const mirror = (m: IUndoManager) => {
    const made = top(to(m));
    reverse.push(made ? { manager: m, item: made } : null);
  };
  following = true;
  try {
    mirror(manager);
    for (const step of steps) {
      if (step.manager === manager || top(from(step.manager)) !== step.item) {
        continue;
      }
      if (type === 'undo') {
        step.manager.undo();
      } else {
        step.manager.redo();
      }
      mirror(step.manager);
    }
  } finally {
    following = false;
  }
  link(reverse.filter((step): step is IStep => step !== null));
}
