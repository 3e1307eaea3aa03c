// Draws every chart of the page from its specification, a JSON block that figures.chart_html places
// after the chart's element. Expressions are interpreted (ast: true), never compiled with new Function,
// so the page's policy needs no 'unsafe-eval'; a specification's own embed options are ignored.
document.addEventListener("DOMContentLoaded", () => {
  for (const data of document.querySelectorAll('script[type="application/json"].vega-spec')) {
    const chart = document.getElementById(data.dataset.chart);
    if (!chart) continue;
    const spec = JSON.parse(data.textContent);
    delete spec.usermeta;
    vegaEmbed(chart, spec, { actions: false, renderer: "svg", ast: true }).then(({ view }) => {
      // A finger gives no hover: a tap on a row shows the row's details as hovering does.
      view.addEventListener("click", (event, item) => {
        const show = view.tooltip();
        if (show && item && item.tooltip != null) show.call(view, null, event, item, item.tooltip);
      });
    });
  }
});
