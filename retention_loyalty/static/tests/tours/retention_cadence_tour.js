import { registry } from "@web/core/registry";

// An admin opens the 2-4-8 rule: its steps, and the preview of the activities
// it would create for a customer who just bought.
registry.category("web_tour.tours").add("retention_loyalty_cadence_tour", {
    url: "/odoo/action-retention_loyalty.action_retention_cadence",
    steps: () => [
        {
            trigger: '.o_data_row td:contains("After-sale 2-4-8")',
            run: "click",
        },
        {
            trigger: '.o_field_one2many[name="template_ids"] .o_data_row:contains("Day 8: visit")',
        },
        {
            trigger: 'a.nav-link:contains("Preview")',
            run: "click",
        },
        {
            trigger: '.o_retention_preview td:contains("Tour Preview Customer")',
        },
        {
            trigger: '.o_retention_preview tr:contains("Tour Preview Customer") td:contains("Day 2")',
        },
    ],
});
