import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const column = (title) =>
    `.o_retention_advocacy_kanban .o_kanban_group:has(.o_column_title:contains("${title}"))`;

// With the demo data, the rep's best customers are on the Advocates kanban:
// Wood Corner (Gold, consented to be a reference) in the Advocate column.
registry.category("web_tour.tours").add("retention_loyalty_demo_advocates_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: '.o_app[data-menu-xmlid="retention_loyalty.menu_retention_root"]',
            run: "click",
        },
        {
            content: "Wood Corner is an advocate, on the board",
            trigger: `${column("Advocate")} .o_kanban_record:contains("Wood Corner")`,
        },
    ],
});
