// The theme's print and full-screen buttons, wired here rather than by onclick attributes (see
// _templates/article-header-buttons.html): an inline event handler is script the page's policy refuses.
const THEME_BUTTON_ACTIONS = {
  print: () => window.print(),
  fullscreen: () => window.toggleFullScreen(),
};
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-theme-action]");
  const action = button && THEME_BUTTON_ACTIONS[button.dataset.themeAction];
  if (action) action();
});
