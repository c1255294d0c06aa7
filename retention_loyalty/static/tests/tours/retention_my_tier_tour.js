import { registry } from "@web/core/registry";

// A member whose tier the grace period keeps opens My loyalty: their perks,
// until when the tier is kept and what keeps it, the next tier's perks and
// their membership card with the code the till scans.
registry.category("web_tour.tours").add("retention_loyalty_my_tier_tour", {
    url: "/my/loyalty",
    steps: () => [
        {
            content: "the tier and its perks",
            trigger: ".o_retention_tier_name:contains(Silver) ~ .o_retention_tier_perks:contains(keeps in touch)",
        },
        {
            content: "until when the tier is kept, and what keeps it",
            trigger: ".o_retention_tier_kept:contains(kept until):contains(to stay Silver)",
        },
        {
            content: "the next tier's perks",
            trigger: ".o_retention_next_perks:contains(Every quarter)",
        },
        {
            content: "the membership card shows a scannable code",
            trigger: ".o_retention_member_card .o_retention_card_code",
            run() {
                if (!this.anchor.complete || !this.anchor.naturalWidth) {
                    throw new Error("the card's code did not load");
                }
                if (!/^042\d{10}$/.test(this.anchor.alt)) {
                    throw new Error(`not a customer code: ${this.anchor.alt}`);
                }
            },
        },
    ],
});
