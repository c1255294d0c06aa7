import { registry } from "@web/core/registry";

// An admin writes a rule that e-mails customers before their departure date,
// then previews the e-mails it would send and to whom.
const step = (name) => `.o_field_one2many[name="template_ids"] .o_data_row .o_field_widget[name="${name}"]`;

registry.category("web_tour.tours").add("retention_loyalty_email_step_tour", {
    url: "/odoo/action-retention_loyalty.action_retention_cadence/new",
    steps: () => [
        {
            trigger: '.o_field_widget[name="title"] input',
            run: "edit Tour countdown e-mails",
        },
        {
            trigger: '.o_field_widget[name="trigger"] select',
            run: 'select "order_date"',
        },
        {
            content: "the e-mail goes on the order: activities on the source document",
            trigger: '.o_field_widget[name="target"] input[data-value="document"]',
            run: "click",
        },
        {
            trigger: '.o_field_one2many[name="template_ids"] .o_field_x2many_list_row_add a',
            run: "click",
        },
        {
            content: "an e-mail step: no activity type to choose",
            trigger: `${step("retention_action")} select`,
            run: 'select "email_customer"',
        },
        {
            trigger: `${step("retention_summary")} input`,
            run: "edit Checklist e-mail",
        },
        {
            trigger: `${step("delay_count")} input`,
            run: "edit 7",
        },
        {
            trigger: `${step("anchor_side")} select`,
            run: 'select "before_plan_date"',
        },
        {
            trigger: `${step("repeat_interval")} input`,
            run: "edit 1",
        },
        {
            trigger: `${step("retention_mail_template_id")} input`,
            run: "edit weekly countdown",
        },
        {
            trigger: '.o-autocomplete--dropdown-item:contains("weekly countdown")',
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            trigger: 'a.nav-link:contains("Preview")',
            run: "click",
        },
        {
            content: "the preview lists the e-mail's subject as the customer reads it, and to whom",
            trigger:
                '.o_retention_preview tr:contains("to Tour Traveller")' +
                ':contains("E-mail: ")' +
                ':contains("your checklist before")',
        },
        {
            content: "the header counts e-mails, not activities",
            trigger: 'p:contains("E-mails: ")',
        },
        {
            trigger: 'button[name="action_run_now"]',
            run: "click",
        },
        {
            content: "Schedule Now says what it did",
            trigger: '.o_notification:contains("Scheduled now")',
        },
        {
            trigger: 'a.nav-link:contains("Steps")',
            run: "click",
        },
        {
            content: "the step's e-mail, rendered for a sample customer",
            trigger: 'button[name="action_preview_retention_email"]',
            run: "click",
        },
        {
            trigger: '.modal .o_field_widget[name="body_html"]:contains("Hello")',
        },
        {
            trigger: ".modal .btn-close",
            run: "click",
        },
        {
            trigger: 'button[name="action_view_followups"]',
            run: "click",
        },
        {
            content: "the rule's follow-ups, in every state (an e-mail held back too)",
            trigger: ".o_list_view .o_group_name",
        },
    ],
});
