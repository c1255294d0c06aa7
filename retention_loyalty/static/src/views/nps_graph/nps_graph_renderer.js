import { cookie } from "@web/core/browser/cookie";
import { getCustomColor } from "@web/core/colors/colors";
import { _t } from "@web/core/l10n/translation";
import { formatFloat, formatPercentage } from "@web/views/fields/formatters";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

import { NPS_CATEGORIES } from "./nps_graph_model";

/* global Chart */

const colorScheme = cookie.get("color_scheme");
/** Red, amber and green, as a rep reads an NPS; the NPS line dark. */
export const NPS_COLORS = {
    detractor: "#dc3545",
    passive: "#ffc107",
    promoter: "#28a745",
    nps: getCustomColor(colorScheme, "#212529", "#f8f9fa"),
};
const LABEL_COLOR = getCustomColor(colorScheme, "#111827", "#E4E4E4");
const GRID_COLOR = getCustomColor(colorScheme, "rgba(0,0,0,.1)", "rgba(255,255,255,.15)");

function formatNps(value) {
    return formatFloat(value, { digits: [16, 0] });
}

/**
 * NPS over time: each month's answers as a bar stacked by category, in
 * shares of the month (left axis, 0-100 %), and the month's NPS as a line on
 * a second axis (right, -100 to 100). A click on a bar opens its answers, a
 * click on the NPS the month's answers, as in the graph view.
 */
export class NpsGraphRenderer extends GraphRenderer {
    static template = "retention_loyalty.NpsGraphRenderer";

    get categoryLabels() {
        return {
            detractor: _t("Detractors"),
            passive: _t("Passives"),
            promoter: _t("Promoters"),
        };
    }

    /** What the chart says, for screen readers: the NPS of each month. */
    get ariaLabel() {
        const { labels, nps } = this.model.npsData;
        const months = labels.map(
            (label, index) =>
                `${label}: ${nps[index] === null ? _t("no answers") : formatNps(nps[index])}`
        );
        return _t("NPS by month: %s", months.join(", "));
    }

    getChartConfig() {
        const { labels, totals, categories, nps, domains } = this.model.npsData;
        const datasets = NPS_CATEGORIES.map((category) => ({
            type: "bar",
            label: this.categoryLabels[category],
            data: categories[category].shares,
            counts: categories[category].counts,
            domains: categories[category].domains,
            backgroundColor: NPS_COLORS[category],
            borderColor: NPS_COLORS[category],
            stack: "shares",
            yAxisID: "y",
            order: 1,
        }));
        datasets.push({
            type: "line",
            label: _t("NPS"),
            data: nps,
            domains,
            backgroundColor: NPS_COLORS.nps,
            borderColor: NPS_COLORS.nps,
            borderWidth: 3,
            pointRadius: 5,
            pointHoverRadius: 7,
            tension: 0,
            fill: false,
            // A month without answers has no NPS: the line breaks there.
            spanGaps: false,
            clip: false, // a point at 100 or -100 drawn whole
            yAxisID: "y1",
            order: 0,
        });
        const { disableLinking } = this.model.metaData;
        return {
            type: "bar",
            // Each month with its number of answers under it (an NPS of 3
            // answers reads differently from one of 300).
            data: {
                labels: labels.map((label, index) => [
                    label,
                    _t("Answers: %s", totals[index]),
                ]),
                datasets,
            },
            options: {
                maintainAspectRatio: false,
                interaction: { mode: "index", intersect: false },
                onClick: disableLinking ? undefined : this.onGraphClicked.bind(this),
                scales: this.getNpsScales(),
                plugins: {
                    legend: {
                        position: "top",
                        align: "end",
                        // Top to bottom as the bars stack, then the line.
                        reverse: true,
                        labels: {
                            color: LABEL_COLOR,
                            usePointStyle: true,
                            // Squares for the shares, a stroke for the NPS.
                            generateLabels: (chart) =>
                                Chart.defaults.plugins.legend.labels
                                    .generateLabels(chart)
                                    .map((item) => ({
                                        ...item,
                                        pointStyle:
                                            chart.data.datasets[item.datasetIndex].type === "line"
                                                ? "line"
                                                : "rect",
                                    })),
                        },
                    },
                    tooltip: {
                        // The NPS, then the shares top to bottom.
                        itemSort: (a, b) => b.datasetIndex - a.datasetIndex,
                        callbacks: {
                            label: (item) =>
                                item.dataset.type === "line"
                                    ? `${item.dataset.label}: ${formatNps(item.raw)}`
                                    : `${item.dataset.label}: ${formatPercentage(item.raw / 100)}` +
                                      ` (${item.dataset.counts[item.dataIndex]})`,
                            footer: (items) =>
                                items.length ? _t("Answers: %s", totals[items[0].dataIndex]) : "",
                        },
                    },
                },
            },
        };
    }

    getNpsScales() {
        const ticks = { color: LABEL_COLOR };
        return {
            x: { stacked: true, ticks, grid: { display: false }, border: { display: false } },
            y: {
                stacked: true,
                min: 0,
                max: 100,
                position: "left",
                title: { display: true, text: _t("Share of answers"), color: LABEL_COLOR },
                ticks: { ...ticks, callback: (value) => formatPercentage(value / 100) },
                grid: { color: GRID_COLOR },
                border: { display: false },
            },
            y1: {
                min: -100,
                max: 100,
                position: "right",
                title: { display: true, text: _t("NPS"), color: LABEL_COLOR },
                ticks: { ...ticks, stepSize: 50, callback: formatNps },
                grid: { drawOnChartArea: false },
                border: { display: false },
            },
        };
    }
}
