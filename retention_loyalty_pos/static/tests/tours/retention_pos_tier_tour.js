import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import { simulateBarCode } from "@barcodes/../tests/helpers";
import { registry } from "@web/core/registry";

// The cashier scans a Gold member's card (the code on My loyalty): the till
// selects the customer, shows their tier, and rings the Gold price.
registry.category("web_tour.tours").add("retention_loyalty_pos_tier_tour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickDisplayedProduct("Tier Widget"),
            ProductScreen.selectedOrderlineHas("Tier Widget", 1, "100.00"),
            {
                content: "scan the card on the member's My loyalty page (its code, generated there)",
                trigger: "body",
                run() {
                    const member = posmodel.models["res.partner"].find(
                        (partner) => partner.name === "Gold Member Co"
                    );
                    if (!/^042\d{10}$/.test(member?.barcode || "")) {
                        throw new Error(`no card code: ${member?.barcode}`);
                    }
                    simulateBarCode([...member.barcode, "Enter"]);
                },
            },
            {
                content: "the scanned card selected the member, and the till shows their tier",
                trigger: ".set-partner:contains(Gold Member Co) .o_retention_pos_tier:contains(Gold)",
            },
            ProductScreen.selectedOrderlineHas("Tier Widget", 1, "80.00"),
            ProductScreen.clickDisplayedProduct("Tier Widget"),
            ProductScreen.selectedOrderlineHas("Tier Widget", 2, "160.00"),
            Chrome.endTour(),
        ].flat(),
});
