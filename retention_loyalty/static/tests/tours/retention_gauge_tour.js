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
        {
            content: "the health gauge prints the score as the explanation does",
            trigger: '.o_field_widget[name="health_score"] .o_gauge_value:contains("65")',
        },
        {
            content: "and is drawn in the colour of its band (At Risk), not Odoo's blue",
            trigger: '.o_field_widget[name="health_score"] canvas',
            run() {
                const chart = window.Chart.getChart(
                    document.querySelector('.o_field_widget[name="health_score"] canvas')
                );
                const drawn = chart.data.datasets[0].backgroundColor[0];
                // The At Risk badge beside it, as the theme draws it.
                const badge = document.querySelector(
                    '.o_field_widget[name="health_band"] .badge'
                );
                const warning = badge && getComputedStyle(badge).backgroundColor;
                if (!warning || drawn !== warning) {
                    throw new Error(`health gauge drawn in ${drawn}, not the band's ${warning}`);
                }
            },
        },
    ],
});
