import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { PosStore } from "@point_of_sale/app/store/pos_store";
import { patch } from "@web/core/utils/patch";

/**
 * Why the order's customer may not have `program` (a program limited to
 * loyalty tiers they are not in), as the server words it, or false.
 */
export function tierRefusal(order, program) {
    const refs = (program?.retention_tier_refs || "").split(",").filter(Boolean).map(Number);
    if (!refs.length) {
        return false;
    }
    const tier = order.get_partner()?.loyalty_tier_ref;
    return refs.includes(tier) ? false : program.retention_tier_refusal;
}

patch(PosOrder.prototype, {
    _programIsApplicable(program) {
        return !tierRefusal(this, program) && super._programIsApplicable(...arguments);
    },
});

patch(PosStore.prototype, {
    async activateCode(code) {
        // A promotion code of a program for other tiers: refused, with whom
        // it is for (coupons are checked by the server, pos_config.py).
        const order = this.get_order();
        const rule = this.models["loyalty.rule"].find(
            (rule) => rule.mode === "with_code" && (rule.promo_barcode === code || rule.code === code)
        );
        const refusal = rule && tierRefusal(order, rule.program_id);
        if (refusal) {
            return refusal;
        }
        return super.activateCode(...arguments);
    },
});
