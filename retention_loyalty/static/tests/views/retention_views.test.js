import { expect, test } from "@odoo/hoot";
import { animationFrame } from "@odoo/hoot-mock";
import { onMounted } from "@odoo/owl";
import {
    defineModels,
    fields,
    models,
    mountView,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import { getGraphModel, setupChartJsForTests } from "@web/../tests/views/graph/graph_test_helpers";
import { defineMailModels } from "@mail/../tests/mail_test_helpers";

import { badgeColor, HealthGaugeField } from "@retention_loyalty/fields/health_gauge_field";

// The addon's two pieces of Odoo's views: the NPS graph (shares by category
// per month and the NPS line) and the health gauge (drawn in its band's colour).

class NpsAnswer extends models.Model {
    _name = "nps.answer";
    date = fields.Date();
    nps_category = fields.Selection({
        selection: [
            ["detractor", "Detractor"],
            ["passive", "Passive"],
            ["promoter", "Promoter"],
        ],
    });
    _records = [
        { id: 1, date: "2030-01-10", nps_category: "promoter" },
        { id: 2, date: "2030-01-12", nps_category: "promoter" },
        { id: 3, date: "2030-01-20", nps_category: "detractor" },
        { id: 4, date: "2030-03-05", nps_category: "passive" },
    ];
}

class Customer extends models.Model {
    _name = "customer";
    health_score = fields.Float();
    health_band = fields.Selection({
        selection: [
            ["good", "Good"],
            ["poor", "Poor"],
        ],
    });
    _records = [{ id: 1, health_score: 31.5, health_band: "poor" }];
}

// The addon depends on mail: its services need mail's models on the test server.
defineMailModels();
defineModels([NpsAnswer, Customer]);
setupChartJsForTests();

test("the NPS graph counts each month's categories and its NPS", async () => {
    const view = await mountView({
        type: "graph",
        resModel: "nps.answer",
        arch: `<graph js_class="retention_nps_graph"/>`,
    });
    const { npsData } = getGraphModel(view);
    expect(npsData.totals).toEqual([3, 1]);
    expect(npsData.categories.promoter.counts).toEqual([2, 0]);
    expect(npsData.categories.detractor.shares[0]).toBeCloseTo(100 / 3);
    // January: 2 promoters, 1 detractor; March: 1 passive is a real 0.
    expect(npsData.nps[0]).toBeCloseTo(100 / 3);
    expect(npsData.nps[1]).toBe(0);
});

test("the health gauge is drawn in its band's colour", async () => {
    let chart;
    patchWithCleanup(HealthGaugeField.prototype, {
        setup() {
            super.setup();
            onMounted(() => (chart = this.chart));
        },
    });
    await mountView({
        type: "form",
        resModel: "customer",
        resId: 1,
        arch: `<form><field name="health_band"/>
            <field name="health_score" widget="retention_health_gauge"
                   options="{'max_value': 100, 'band_field': 'health_band'}"/></form>`,
    });
    await animationFrame();
    expect(".o_field_widget[name=health_score] canvas").toHaveCount(1);
    expect(chart.data.datasets[0].backgroundColor[0]).toBe(badgeColor("danger"));
});
