// Copy and Share for the customer's referral link (My loyalty, thank-you
// page). A plain script: public pages load no Odoo client.
(function () {
    "use strict";

    function copyText(input) {
        if (navigator.clipboard && window.isSecureContext) {
            return navigator.clipboard.writeText(input.value);
        }
        // Plain http (a test server, an intranet): the older way.
        input.select();
        return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
    }

    document.addEventListener("click", (ev) => {
        const box = ev.target.closest(".o_retention_share");
        if (!box) {
            return;
        }
        if (ev.target.closest(".o_retention_copy")) {
            copyText(box.querySelector(".o_retention_referral_link")).then(() => {
                box.querySelector(".o_retention_copied").classList.remove("d-none");
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
