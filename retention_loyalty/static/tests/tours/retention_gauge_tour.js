import { registry } from "@web/core/registry";

// The satisfaction gauge reads its number as the rest of the page, in the
// user's language (6,5 in Finnish, not 6.5).
registry.category("web_tour.tours").add("retention_loyalty_gauge_tour", {
    steps: () => [
        {
            trigger: '.o_form_view .o_notebook a.nav-link[name="retention_loyalty"]',
            run: "click",
        },
        {
            content: "the gauge shows a decimal comma",
            trigger: '.o_field_widget[name="satisfaction_score"] .o_gauge_value:contains("6,5")',
        },
    ],
});
