// Copy and Share for the customer's referral link (My loyalty, thank-you
// page). A plain script: public pages load no Odoo client.
(function () {
    "use strict";

    function copyByHand(input) {
        // Plain http (an intranet) or a browser that says no: the older way.
        input.select();
        return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
    }

    function copyText(input) {
        if (navigator.clipboard && window.isSecureContext) {
            return navigator.clipboard.writeText(input.value).catch(() => copyByHand(input));
        }
        return copyByHand(input);
    }

    document.addEventListener("click", (ev) => {
        const box = ev.target.closest(".o_retention_share");
        if (!box) {
            return;
        }
        if (ev.target.closest(".o_retention_copy")) {
            const input = box.querySelector(".o_retention_referral_link");
            copyText(input)
                .then(() => box.querySelector(".o_retention_copied").classList.remove("d-none"))
                .catch(() => {
                    // The browser refused: the link stays selected, to copy by hand.
                    input.select();
                    box.querySelector(".o_retention_copy_by_hand").classList.remove("d-none");
                });
        } else if (ev.target.closest(".o_retention_share_native")) {
            navigator
                .share({
                    title: box.dataset.shareTitle,
                    text: box.dataset.shareText,
                    url: box.dataset.shareUrl,
                })
                .catch(() => {}); // The customer closed the share sheet.
        }
    });

    function showShare() {
        if (navigator.share) {
            for (const button of document.querySelectorAll(".o_retention_share_native")) {
                button.classList.remove("d-none");
            }
        }
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", showShare);
    } else {
        showShare();
    }
})();
