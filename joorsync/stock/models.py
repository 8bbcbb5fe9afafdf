"""What the app itself did to one linked variant's stock settings, kept so that a later run undoes only
its own doing and counts only the stock it can account for."""

from __future__ import annotations

from django.db import models


class VariantStockState(models.Model):
    """One linked variant (`link` + `variant_key`, `C1/36`).

    - `policy_set`: the app set Shopify's `inventoryPolicy` to CONTINUE because JOOR marks the style
      made to order. Only then does a style that stops being made to order go back to DENY; a
      CONTINUE the merchant chose stays.
    - `written` / `warehouses` / `outside`: the sum of the figures the app last wrote into JOOR's
      warehouses for this SKU, which warehouses (a fingerprint of their names), and what JOOR held
      elsewhere right then. JOOR's API reads only a SKU's total over all its warehouses, so the style
      is read back after the write: `outside` = that total − written. Until the next such write the
      figure compared with Shopify is JOOR's total less `outside`, so stock in a warehouse outside the
      table is never written to Shopify, and so never back into a mapped warehouse.
    """

    link = models.ForeignKey("sync.ProductLink", on_delete=models.CASCADE, related_name="stock_states")
    variant_key = models.CharField(max_length=160)
    policy_set = models.BooleanField(default=False)
    warehouses = models.CharField(max_length=64, blank=True, default="")
    written = models.IntegerField(null=True, blank=True)
    outside = models.IntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "variant_key"], name="uniq_variant_stock_state"),
        ]

    def __str__(self) -> str:
        return f"{self.link_id}:{self.variant_key}"
