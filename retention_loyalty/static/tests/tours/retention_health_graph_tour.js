import { registry } from "@web/core/registry";

const CANVAS = ".o_graph_renderer canvas";

// Health Movements: the scores on a 0-100 axis with the Settings' band limits
// drawn across, in the Settings' values.
registry.category("web_tour.tours").add("retention_loyalty_health_graph_tour", {
    url: "/odoo/action-retention_loyalty.action_retention_health_history",
    steps: () => [
        {
            trigger: CANVAS,
            run() {
                const chart = window.Chart.getChart(this.anchor);
                const plugin = chart.config.plugins.find((p) => p.id === "retention_health_bands");
                if (!plugin) {
                    throw new Error("no band lines on the health graph");
                }
                const bands = plugin.bands.map((band) => [band.value, band.label]);
                const expected = [
                    [75, "Good from 75"],
                    [35, "Poor below 35"],
                ];
                if (JSON.stringify(bands) !== JSON.stringify(expected)) {
                    throw new Error(`band lines: ${JSON.stringify(bands)}`);
                }
                const { min, max } = chart.options.scales.y;
                if (min !== 0 || max !== 100) {
                    throw new Error(`the health axis goes from ${min} to ${max}`);
                }
            },
        },
    ],
});
