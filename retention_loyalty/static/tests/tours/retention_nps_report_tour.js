import { registry } from "@web/core/registry";

const CANVAS = ".o_nps_graph canvas";

/** The chart's datasets, as Chart.js draws them. */
function datasetsOf(canvas) {
    const chart = window.Chart.getChart(canvas);
    if (!chart) {
        throw new Error("no chart is drawn on the NPS canvas");
    }
    return chart.data.datasets;
}

function expect(what, actual, expected) {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        throw new Error(
            `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`
        );
    }
}

// NPS over Time, filtered on one customer: per month the shares of its
// detractors (red), passives (amber) and promoters (green) stacked, and its
// NPS as a dark line on the -100..100 axis. Other companies' answers (the
// customer's answers in a company not selected) stay out.
registry.category("web_tour.tours").add("retention_loyalty_nps_report_tour", {
    url: "/odoo/action-retention_loyalty.action_retention_nps_report",
    steps: () => [
        {
            content: "the NPS chart is the report's default view",
            trigger: CANVAS,
        },
        {
            content: "filter on the tour's customer",
            trigger: ".o_searchview_input",
            run: "edit Tour NPS Customer",
        },
        {
            trigger: '.o_searchview_autocomplete .o_menu_item:contains("Customer")',
            run: "click",
        },
        {
            content: "the chart shows the customer's months, an empty one too, the NPS of each",
            trigger:
                `${CANVAS}[aria-label="NPS by month: January 2026: 25, February 2026: -50, ` +
                `March 2026: no answers, April 2026: 100"]`,
            run() {
                const datasets = datasetsOf(this.anchor);
                expect(
                    "the datasets (type, label, colour)",
                    datasets.map((d) => [d.type, d.label, d.backgroundColor]),
                    [
                        ["bar", "Detractors", "#dc3545"],
                        ["bar", "Passives", "#ffc107"],
                        ["bar", "Promoters", "#28a745"],
                        ["line", "NPS", "#212529"],
                    ]
                );
                expect(
                    "the shares of each month (%)",
                    datasets.slice(0, 3).map((d) => d.data),
                    [
                        [25, 75, 0, 0],
                        [25, 0, 0, 0],
                        [50, 25, 0, 100],
                    ]
                );
                expect("the answers counted", datasets.slice(0, 3).map((d) => d.counts), [
                    [1, 3, 0, 0],
                    [1, 0, 0, 0],
                    [2, 1, 0, 1],
                ]);
                const [line] = datasets.slice(3);
                expect("the NPS line, broken where no one answered", line.data, [25, -50, null, 100]);
                expect("its gaps", line.spanGaps, false);
                const chart = window.Chart.getChart(this.anchor);
                expect("each month with its answers", chart.data.labels, [
                    ["January 2026", "Answers: 4"],
                    ["February 2026", "Answers: 4"],
                    ["March 2026", "Answers: 0"],
                    ["April 2026", "Answers: 1"],
                ]);
                expect("the line's colour", line.borderColor, "#212529");
                const { y, y1 } = chart.options.scales;
                expect("the bars' axis", [line.yAxisID, y.stacked, y.min, y.max], [
                    "y1",
                    true,
                    0,
                    100,
                ]);
                expect("the NPS axis", [y1.min, y1.max, y1.position], [-100, 100, "right"]);
            },
        },
        {
            content: "the pivot of the report is still there",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            trigger: ".o_pivot table",
        },
        {
            content: "and its list of answers",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            trigger: '.o_list_view .o_data_row:contains("Tour NPS Customer")',
        },
    ],
});
