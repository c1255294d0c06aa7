import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PosLoyalty from "@pos_loyalty/../tests/tours/utils/pos_loyalty_util";
import { registry } from "@web/core/registry";

// An offer for Silver members at the till: a Bronze customer's code is
// refused with whom it is for; a Silver customer gets the 10 % discount.
registry.category("web_tour.tours").add("retention_loyalty_pos_tier_offer_tour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickPartnerButton(),
            ProductScreen.clickCustomer("Bronze Till Co"),
            ProductScreen.clickDisplayedProduct("Offer Widget"),
            PosLoyalty.enterCode("SILVER10"),
            {
                content: "the code is refused with whom the offer is for",
                trigger: ".o_notification:contains(This offer is for Silver members.)",
            },
            PosLoyalty.orderTotalIs("100.00"),
            ProductScreen.clickPartnerButton(),
            ProductScreen.clickCustomer("Silver Till Co"),
            PosLoyalty.enterCode("SILVER10"),
            PosLoyalty.orderTotalIs("90.00"),
            Chrome.endTour(),
        ].flat(),
});
