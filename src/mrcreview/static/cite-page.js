// "Cite this page", at the foot of every page (mrcreview.citing): the page's address and today's date, as
// the reader's browser knows them, in place of the placeholders that ask the reader for them.
document.addEventListener("DOMContentLoaded", () => {
  const address = location.href.split("#")[0];
  const today = new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  for (const slot of document.querySelectorAll('.cite-this-page [data-cite="address"]')) slot.textContent = address;
  for (const slot of document.querySelectorAll('.cite-this-page [data-cite="accessed"]')) slot.textContent = today;
});
