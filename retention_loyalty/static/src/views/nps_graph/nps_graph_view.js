import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";

import { NpsGraphModel } from "./nps_graph_model";
import { NpsGraphRenderer } from "./nps_graph_renderer";

/**
 * `<graph js_class="retention_nps_graph">`: the graph view of NPS over time
 * (shares by category per month, and the NPS line). It keeps the search
 * panel's filters and favorites; its grouping is fixed.
 */
export const npsGraphView = {
    ...graphView,
    Model: NpsGraphModel,
    Renderer: NpsGraphRenderer,
    buttonTemplate: "retention_loyalty.NpsGraphView.Buttons",
    searchMenuTypes: ["filter", "favorite"],
};

registry.category("views").add("retention_nps_graph", npsGraphView);
