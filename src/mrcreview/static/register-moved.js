// Links made before the evidence register was split into pages point at evidence-register.html#ev-<id>:
// send the reader on to the page that now holds that entry. The page lists the anchors each page holds.
document.addEventListener("DOMContentLoaded", () => {
  const where = document.getElementById("register-pages");
  const id = decodeURIComponent(location.hash.slice(1));
  if (!where || !id) return;
  for (const [page, ids] of Object.entries(JSON.parse(where.textContent))) {
    if (ids.includes(id)) {
      location.replace(page + location.hash);
      return;
    }
  }
});
