// Each release's own site, linked from a list of releases (.release-sites, sphinx_ext/directives.py) where one
// is published. .github/workflows/pages.yml keeps each under v/<version>/ of the published site and lists
// those it keeps in _static/release-sites.json at that site's root; the build's own copy lists none, so no
// link ever leads nowhere. That root is the page's content root, or two folders above it when the page is
// itself a release's copy (v/x.y.z/) or a pull request's preview (pr-preview/pr-N/).
document.addEventListener("DOMContentLoaded", () => {
  const slots = document.querySelectorAll(".release-sites .release-version");
  if (!slots.length) return;
  const root = new URL(document.documentElement.dataset.content_root || "", location.href);
  const copy = /\/(v\/\d+\.\d+\.\d+|pr-preview\/pr-\d+)\/$/.test(root.pathname);
  const published = copy ? new URL("../../", root) : root;
  fetch(new URL("_static/release-sites.json", published))
    .then((answer) => (answer.ok ? answer.json() : []))
    .then((kept) => {
      for (const slot of slots) {
        const version = slot.textContent.trim();
        if (!/^\d{1,6}\.\d{1,6}\.\d{1,6}$/.test(version) || !Array.isArray(kept) || !kept.includes(version)) continue;
        const site = new URL(`v/${version}/`, published);
        const link = document.createElement("a");
        link.href = site.href;
        link.textContent = site.href;
        slot.parentElement.append(". Its site as released: ", link);
      }
    })
    .catch(() => {}); // no list to read (a page opened from disk): no link
});
