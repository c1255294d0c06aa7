import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// An admin finds the Retention app in the apps menu, its Customers list,
// and the Retention block in Settings.
registry.category("web_tour.tours").add("retention_loyalty_app_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: '.o_app[data-menu-xmlid="retention_loyalty.menu_retention_root"]',
            run: "click",
        },
        {
            trigger: '.o_breadcrumb:contains("Advocates")',
        },
        {
            trigger: 'button[data-menu-xmlid="retention_loyalty.menu_retention_configuration"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="retention_loyalty.menu_retention_settings"]',
            run: "click",
        },
        {
            trigger: '.app_settings_block[data-key="retention_loyalty"] #retention_evaluation_window',
        },
    ],
});
