import { Domain } from "@web/core/domain";
import { getGroupBy } from "@web/search/utils/group_by";
import { GraphModel } from "@web/views/graph/graph_model";

/** The NPS categories, bottom to top of each month's bar. */
export const NPS_CATEGORIES = ["detractor", "passive", "promoter"];

/**
 * The answers of each month counted by NPS category: one read_group grouped by
 * `date:month` and `nps_category`, on the search panel's domain and the
 * selected companies (its context), whatever the search panel groups by.
 * From these counts, `npsData` holds each category's share of the month's
 * answers and the month's NPS (the share of promoters minus the share of
 * detractors, from -100 to 100).
 */
export class NpsGraphModel extends GraphModel {
    _buildMetaData(params) {
        const metaData = super._buildMetaData(params);
        const { fields } = metaData;
        return Object.assign(metaData, {
            groupBy: [getGroupBy("date:month", fields), getGroupBy("nps_category", fields)],
            measure: "__count",
            mode: "bar",
            stacked: true,
            order: null,
        });
    }

    /**
     * Every month, those without answers too (the server fills them in): the
     * graph view drops empty groups, which joined June to October.
     */
    _getProcessedDataPoints() {
        return this.dataPoints;
    }

    _prepareData(forceUseAllDataPoints = false) {
        super._prepareData(forceUseAllDataPoints);
        this.lineOverlayDataset = null;
        this.npsData = this._getNpsData();
    }

    /**
     * @returns {{ labels: string[], totals: number[], nps: (number|null)[],
     *   domains: Array[], categories: Object<string, {label: string,
     *   counts: number[], shares: number[], domains: Array[]}>}}
     */
    _getNpsData() {
        const { labels, datasets } = this.data;
        const { selection } = this.metaData.fields.nps_category;
        const datasetOf = {};
        for (const dataset of datasets) {
            const [category] = selection.find(([, label]) => label === dataset.label) || [];
            datasetOf[category] = dataset;
        }
        const countOf = (category, index) => datasetOf[category]?.data[index] || 0;
        const totals = labels.map((_, index) =>
            NPS_CATEGORIES.reduce((total, category) => total + countOf(category, index), 0)
        );
        const shareOf = (category, index) =>
            totals[index] ? (100 * countOf(category, index)) / totals[index] : 0;
        const categories = {};
        for (const category of NPS_CATEGORIES) {
            categories[category] = {
                counts: labels.map((_, index) => countOf(category, index)),
                shares: labels.map((_, index) => shareOf(category, index)),
                domains: labels.map((_, index) => datasetOf[category]?.domains[index] || []),
            };
        }
        return {
            labels,
            totals,
            categories,
            nps: labels.map((_, index) =>
                totals[index] ? shareOf("promoter", index) - shareOf("detractor", index) : null
            ),
            // A month's answers, all categories: where a click on its NPS leads.
            domains: labels.map((_, index) =>
                Domain.or(
                    NPS_CATEGORIES.filter((category) => countOf(category, index)).map(
                        (category) => datasetOf[category].domains[index]
                    )
                ).toList()
            ),
        };
    }
}
