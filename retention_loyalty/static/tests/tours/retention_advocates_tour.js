import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const column = (title) =>
    `.o_retention_advocacy_kanban .o_kanban_group:has(.o_column_title:contains("${title}"))`;

// A rep opens the advocate pipeline, sees every column, moves a customer to
// Promoter by hand and finds the move explained in the chatter.
registry.category("web_tour.tours").add("retention_loyalty_advocates_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: '.o_app[data-menu-xmlid="retention_loyalty.menu_retention_root"]',
            run: "click",
        },
        ...["New", "Detractor", "Customer", "Promoter", "Advocate"].map((title) => ({
            content: `the ${title} column is shown`,
            trigger: column(title),
        })),
        {
            content: "drag the customer to Promoter",
            trigger: `${column("Customer")} .o_kanban_record:contains("Tour Trader")`,
            run: `drag_and_drop (${column("Promoter")})`,
        },
        {
            trigger: `${column("Promoter")} .o_kanban_record:contains("Tour Trader")`,
            run: "click",
        },
        {
            content: "the chatter explains the manual move",
            trigger: '.o-mail-Message:contains("Moved by hand to Promoter")',
        },
    ],
});
