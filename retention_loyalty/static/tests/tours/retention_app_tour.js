import { registry } from "@web/core/registry";

// An admin finds the Retention app on the home screen, its Customers list,
// and the Retention block in Settings.
registry.category("web_tour.tours").add("retention_loyalty_app_tour", {
    url: "/odoo",
    steps: () => [
        {
            trigger: '.o_app[data-menu-xmlid="retention_loyalty.menu_retention_root"]',
            run: "click",
        },
        {
            trigger: '.o_breadcrumb:contains("Customers")',
        },
        {
            trigger: '.o_main_navbar button:contains("Configuration")',
            run: "click",
        },
        {
            trigger: '.dropdown-item:contains("Settings")',
            run: "click",
        },
        {
            trigger: '.app_settings_block[data-key="retention_loyalty"] #retention_evaluation_window',
        },
    ],
});
