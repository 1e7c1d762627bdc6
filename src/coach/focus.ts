/**
 * Keyboard focus into the sidebar when a command opens it (the palette, a
 * shortcut): the first finding, so the arrow keys, Enter and the fix buttons
 * carry on from there; the panel itself when it has no finding.
 */
export function focusPanel(panelId: string): void {
  // After the shell has shown the panel and React has drawn its rows.
  requestAnimationFrame(() => {
    const panel = document.getElementById(panelId);
    if (!panel || panel.contains(document.activeElement)) {
      return;
    }
    const row = panel.querySelector<HTMLElement>('.readiness-finding');
    if (row) {
      row.focus();
    } else {
      panel.tabIndex = -1;
      panel.focus();
    }
  });
}
