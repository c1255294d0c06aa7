import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A rep's day on the demo data, in two tours run by tests/test_ui.py.
const CUSTOMER = "Deco Addict";

const advocacyColumn = (title) =>
    `.o_retention_advocacy_kanban .o_kanban_group:has(.o_column_title:contains("${title}"))`;
const complaintColumn = (title) =>
    `.o_retention_complaint_kanban .o_kanban_group:has(.o_column_title:contains("${title}"))`;
const complaintCard = (title, subject) =>
    `${complaintColumn(title)} .o_kanban_record:contains("${subject}")`;

const openRetentionApp = () => [
    stepUtils.showAppsMenuItem(),
    {
        content: "open the Retention app",
        trigger: '.o_app[data-menu-xmlid="retention_loyalty.menu_retention_root"]',
        run: "click",
    },
];

const openCustomerFromAdvocates = () => [
    ...["New", "Detractor", "Customer", "Promoter", "Advocate"].map((title) => ({
        content: `the Advocates kanban shows the ${title} column`,
        trigger: advocacyColumn(title),
    })),
    {
        content: "the unhappy customer is a detractor: open it",
        trigger: `${advocacyColumn("Detractor")} .o_kanban_record:contains("${CUSTOMER}")`,
        run: "click",
    },
    {
        content: "open the customer's Loyalty tab",
        trigger: '.o_form_view .o_notebook a.nav-link:contains("Loyalty")',
        run: "click",
    },
    {
        content: "the Loyalty tab shows the tier, the satisfaction gauge and the stage",
        trigger:
            '.o_notebook .tab-pane.active:has(.o_field_widget[name="loyalty_tier_id"])' +
            ':has(.o_field_widget[name="satisfaction_score"] .o_gauge_value)' +
            ':has(.o_field_widget[name="advocacy_stage"])',
    },
];

// Advocates kanban → the customer's Loyalty tab → feedback logged → a
// follow-up call done with a score → an account review → its opportunity.
registry.category("web_tour.tours").add("retention_loyalty_rep_day_tour", {
    url: "/odoo",
    steps: () => [
        ...openRetentionApp(),
        ...openCustomerFromAdvocates(),
        // Log a feedback from the Loyalty tab.
        {
            trigger: 'button[name="action_log_feedback"]',
            run: "click",
        },
        {
            content: "the feedback dialog is for this customer",
            trigger: `.modal .o_field_widget[name="partner_id"] input:value("${CUSTOMER}")`,
        },
        {
            trigger: '.modal .o_field_widget[name="score"] input',
            run: "edit 8",
        },
        {
            trigger: '.modal .o_field_widget[name="comment"] textarea',
            run: "edit Visited the showroom, liked the new range",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "the dialog closed, the feedback is counted on the customer",
            trigger: 'body:not(:has(.modal)) button[name="action_view_feedback"]:contains("3")',
        },
        // Mark the recovery call done with the customer's score.
        {
            content: "the recovery call planned by the cadence is in the chatter",
            trigger: '.o-mail-Activity:contains("Recovery call") .o-mail-Activity-markDone',
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone textarea",
            run: "edit 9/10 - replaced the desks, happy again",
        },
        {
            trigger: '.o-mail-ActivityMarkAsDone button[aria-label="Done"]',
            run: "click",
        },
        {
            content: "the call is done, its note in the chatter",
            trigger: '.o-mail-Message:contains("replaced the desks, happy again")',
        },
        {
            trigger: 'button[name="action_view_feedback"]',
            run: "click",
        },
        {
            content: "the score of the call is a feedback too",
            trigger: '.o_list_view .o_data_row td[name="score"]:contains("9")',
        },
        {
            trigger: `.o_breadcrumb a:contains("${CUSTOMER}")`,
            run: "click",
        },
        {
            trigger: '.o_form_view .o_notebook a.nav-link:contains("Loyalty")',
            run: "click",
        },
        // An account review that ends with a follow-up opportunity.
        {
            trigger: 'button[name="action_start_account_review"]',
            run: "click",
        },
        {
            content: "the review's questions are listed",
            trigger:
                '.o_field_widget[name="answer_ids"] .o_data_row:first-child td[name="answer"]',
            run: "click",
        },
        {
            trigger: '.o_field_widget[name="answer_ids"] .o_selected_row td[name="answer"] textarea',
            run: "edit Happy with the desks; wants chairs for two meeting rooms",
        },
        {
            trigger: '.o_form_view .o_notebook a.nav-link:contains("Recommendation")',
            run: "click",
        },
        {
            trigger: '.o_field_widget[name="recommendation_kind"] select',
            run: 'select "upsell"',
        },
        {
            trigger: 'button[name="action_done"]',
            run: "click",
        },
        {
            content: "the review is done",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Done")',
        },
        {
            trigger: 'button[name="action_create_opportunity"]',
            run: "click",
        },
        {
            content: "the follow-up opportunity opens",
            trigger: `.o_breadcrumb .active:contains("${CUSTOMER}: Upsell or new option")`,
        },
        {
            trigger: '.o_form_view .o_field_widget[name="partner_id"] input',
        },
    ],
});

// A complaint from New to Resolved by drag: refused until a resolution is
// written, then accepted; a resolved card no longer counts down.
const SUBJECT = "Wobbly table legs";

registry.category("web_tour.tours").add("retention_loyalty_complaint_tour", {
    url: "/odoo",
    steps: () => [
        ...openRetentionApp(),
        ...openCustomerFromAdvocates(),
        {
            trigger: 'button[name="action_log_complaint"]',
            run: "click",
        },
        {
            content: "the complaint's form, for this customer",
            trigger:
                '.o_form_view:has(.o_field_widget[name="date_deadline"]) .o_field_widget[name="name"] input',
            run: `edit ${SUBJECT}`,
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved",
            trigger:
                ".o_form_view .o_form_status_indicator:not(.o_form_status_indicator_new_record)" +
                ":not(:has(.o_form_status_indicator_buttons:not(.invisible)))",
        },
        {
            content: "open the complaints kanban",
            trigger: 'a[data-menu-xmlid="retention_loyalty.menu_retention_complaints"]',
            run: "click",
        },
        {
            content: "the new complaint counts down to its deadline",
            trigger: `${complaintCard("New", SUBJECT)} .o_field_remaining_days`,
        },
        {
            content: "the resolved demo complaint shows no countdown",
            trigger: `${complaintCard("Resolved", "Assembly instructions")}:not(:has(.o_field_remaining_days))`,
        },
        {
            content: "drag it to Resolved without a resolution",
            trigger: complaintCard("New", SUBJECT),
            run: `drag_and_drop (${complaintColumn("Resolved")})`,
        },
        {
            content: "refused: the resolution is missing",
            trigger: '.o_error_dialog:contains("Describe the resolution")',
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "the complaint stayed in New",
            trigger: `body:not(:has(.modal)) ${complaintCard("New", SUBJECT)}`,
            run: "click",
        },
        {
            trigger: '.o_form_view .o_notebook a.nav-link:contains("Resolution")',
            run: "click",
        },
        {
            trigger: '.o_field_widget[name="resolution"] .odoo-editor-editable',
            run: "editor Replaced the legs on site and checked the other tables.",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved",
            trigger:
                ".o_form_view .o_form_status_indicator:not(.o_form_status_indicator_new_record)" +
                ":not(:has(.o_form_status_indicator_buttons:not(.invisible)))",
        },
        {
            trigger: '.o_breadcrumb a:contains("Complaints")',
            run: "click",
        },
        {
            content: "drag it to Resolved again, now with its resolution",
            trigger: complaintCard("New", SUBJECT),
            run: `drag_and_drop (${complaintColumn("Resolved")})`,
        },
        {
            content: "resolved, and no longer counting down",
            trigger: `${complaintCard("Resolved", SUBJECT)}:not(:has(.o_field_remaining_days))`,
        },
        {
            content: "no error this time",
            trigger: `body:not(:has(.o_error_dialog)) ${complaintCard("Resolved", SUBJECT)}`,
        },
    ],
});
