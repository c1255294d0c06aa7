import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { GraphModel } from "@web/views/graph/graph_model";
import { GraphRenderer } from "@web/views/graph/graph_renderer";
import { graphView } from "@web/views/graph/graph_view";

/** Green and red, as the health badges. */
const BAND_COLORS = { good: "#28a745", poor: "#dc3545" };

/** The health graph also knows the Settings' band limits. */
export class HealthGraphModel extends GraphModel {
    async load(searchParams) {
        this.bandLimits = await this.orm.call("retention.health.history", "get_band_limits", []);
        return super.load(searchParams);
    }
}

/**
 * Health movements on the 0-100 scale with the band limits drawn across
 * (Good from, Poor below): a point reads as a band at a glance. Drawn by a
 * Chart.js plugin, not as datasets, so that the graph view's tooltips,
 * legend and clicks stay those of the data.
 */
export class HealthGraphRenderer extends GraphRenderer {
    getChartConfig() {
        const config = super.getChartConfig();
        const { mode } = this.model.metaData;
        const limits = this.model.bandLimits;
        if (mode === "pie" || !limits) {
            return config;
        }
        const lines = [
            { value: limits.good_min, color: BAND_COLORS.good, label: _t("Good from %s", limits.good_min) },
            {
                value: limits.poor_below,
                color: BAND_COLORS.poor,
                label: _t("Poor below %s", limits.poor_below),
            },
        ];
        config.options.scales.y = { ...config.options.scales.y, min: 0, max: 100 };
        config.plugins = [
            ...(config.plugins || []),
            {
                id: "retention_health_bands",
                bands: lines,
                afterDatasetsDraw(chart) {
                    const { ctx, chartArea, scales } = chart;
                    ctx.save();
                    for (const line of lines) {
                        const y = scales.y.getPixelForValue(line.value);
                        ctx.strokeStyle = line.color;
                        ctx.fillStyle = line.color;
                        ctx.lineWidth = 1;
                        ctx.setLineDash([6, 4]);
                        ctx.beginPath();
                        ctx.moveTo(chartArea.left, y);
                        ctx.lineTo(chartArea.right, y);
                        ctx.stroke();
                        ctx.textBaseline = "bottom";
                        ctx.fillText(line.label, chartArea.left + 4, y - 3);
                    }
                    ctx.restore();
                },
            },
        ];
        return config;
    }
}

/** `<graph js_class="retention_health_graph">`: Health Movements. */
export const healthGraphView = {
    ...graphView,
    Model: HealthGraphModel,
    Renderer: HealthGraphRenderer,
};

registry.category("views").add("retention_health_graph", healthGraphView);
