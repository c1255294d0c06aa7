import { registry } from "@web/core/registry";

// A customer on a phone opens My loyalty, copies their referral link and
// finds the e-mail to share it; nothing is wider than the screen.
registry.category("web_tour.tours").add("retention_loyalty_share_link_tour", {
    url: "/my/loyalty",
    steps: () => [
        {
            content: "the page fits the phone's width",
            trigger: ".o_retention_share .o_retention_copy",
            run() {
                const overflow = document.documentElement.scrollWidth - window.innerWidth;
                if (window.innerWidth > 500 || overflow > 0) {
                    throw new Error(`${window.innerWidth}px wide, ${overflow}px too wide`);
                }
                const copy = this.anchor.getBoundingClientRect();
                if (copy.right > window.innerWidth) {
                    throw new Error("the Copy button is cut off");
                }
            },
        },
        {
            content: "copy (a headless browser's clipboard refuses a tour's click: it is recorded)",
            trigger: ".o_retention_share .o_retention_copy",
            run() {
                Object.defineProperty(navigator, "clipboard", {
                    configurable: true,
                    value: { writeText: async (text) => (window.__retentionCopied = text) },
                });
                this.anchor.click();
            },
        },
        {
            content: "the customer is told the link is copied, and it is the link",
            trigger: ".o_retention_copied:not(.d-none)",
            run() {
                const link = document.querySelector(".o_retention_referral_link").value;
                if (window.__retentionCopied !== link || !link.includes("/retention/referral/")) {
                    throw new Error(`copied ${window.__retentionCopied}, not ${link}`);
                }
            },
        },
        {
            content: "sharing by e-mail carries the link",
            trigger: ".o_retention_share_email",
            run() {
                const link = document.querySelector(".o_retention_referral_link").value;
                const mailto = decodeURIComponent(this.anchor.getAttribute("href"));
                if (!mailto.startsWith("mailto:?subject=") || !mailto.includes(link)) {
                    throw new Error(`the e-mail does not carry the link: ${mailto}`);
                }
            },
        },
        {
            content: "the phone's share sheet is offered where the browser has one",
            trigger: ".o_retention_share",
            run() {
                const button = document.querySelector(".o_retention_share_native");
                if (Boolean(navigator.share) === button.classList.contains("d-none")) {
                    throw new Error("the Share button does not follow navigator.share");
                }
            },
        },
    ],
});
