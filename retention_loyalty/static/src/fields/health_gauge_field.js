import { registry } from "@web/core/registry";
import { GaugeField, gaugeField } from "@web/views/fields/gauge/gauge_field";

// The band's colour, as its badge beside the gauge shows it.
const BAND_COLORS = { new: "info", good: "success", at_risk: "warning", poor: "danger" };

/** The background of a `text-bg-<name>` badge, as the theme draws it. */
export function badgeColor(name) {
    const probe = document.createElement("span");
    probe.className = `badge text-bg-${name} d-none`;
    document.body.appendChild(probe);
    const color = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return color;
}

/** Odoo's gauge, drawn in the colour of the health band (always blue in Odoo's). */
export class HealthGaugeField extends GaugeField {
    static props = { ...GaugeField.props, bandField: { type: String, optional: true } };

    renderChart() {
        super.renderChart();
        const band = this.props.bandField && this.props.record.data[this.props.bandField];
        const color = BAND_COLORS[band] && badgeColor(BAND_COLORS[band]);
        if (this.chart && color) {
            this.chart.data.datasets[0].backgroundColor = [color, "#dddddd"];
            this.chart.update("none");
        }
    }
}

export const healthGaugeField = {
    ...gaugeField,
    component: HealthGaugeField,
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...gaugeField.extractProps(fieldInfo, dynamicInfo),
        bandField: fieldInfo.options.band_field,
    }),
};

registry.category("fields").add("retention_health_gauge", healthGaugeField);
