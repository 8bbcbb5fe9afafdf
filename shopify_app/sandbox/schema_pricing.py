"""The part of the sandbox's schema cut (see `schema_cut`) that serves Markets and B2B pricing.

Same format as `schema_cut.PRODUCT_SPEC`, merged with the other domains' by `schema_cut.merge_specs`:
price lists with fixed and relative prices, quantity rules, catalogs (market and company location)
and markets of countries. Publications, web presences and quantity price breaks are left out.
"""

from __future__ import annotations

_PAGING = "first,after,last,before,reverse"

# fmt: off
PRICING_SPEC: dict[str, str] = {
 "QueryRoot": (
  f"priceList(id) priceLists({_PAGING},sortKey) catalog(id) catalogs(type,{_PAGING},sortKey,query)"
  f" catalogsCount(type,query,limit) market(id) markets(type,{_PAGING},sortKey,query)"
 ),
 "Mutation": (
  "priceListCreate(input) priceListUpdate(id,input) priceListDelete(id)"
  " priceListFixedPricesAdd(priceListId,prices) priceListFixedPricesUpdate(priceListId,pricesToAdd,variantIdsToDelete)"
  " priceListFixedPricesDelete(priceListId,variantIds)"
  " priceListFixedPricesByProductUpdate(priceListId,pricesToAdd,pricesToDeleteByProductIds)"
  " quantityRulesAdd(priceListId,quantityRules) quantityRulesDelete(priceListId,variantIds)"
  " catalogCreate(input) catalogUpdate(id,input) catalogDelete(id,deleteDependentResources)"
  " marketCreate(input) marketUpdate(id,input) marketDelete(id)"
 ),
 "PriceList": f"id name currency fixedPricesCount parent catalog prices(originType,{_PAGING},query) quantityRules(originType,{_PAGING})",
 "PriceListParent": "*", "PriceListAdjustment": "*", "PriceListAdjustmentSettings": "*",
 "PriceListPrice": "price compareAtPrice originType variant",
 "PriceListConnection": "*", "PriceListEdge": "*", "PriceListPriceConnection": "*", "PriceListPriceEdge": "*",
 "QuantityRule": "*", "QuantityRuleConnection": "*", "QuantityRuleEdge": "*",
 "Catalog": "id title status priceList",
 "MarketCatalog": f"id title status priceList markets(type,status,{_PAGING}) marketsCount(type,status,query,limit)",
 "CompanyLocationCatalog": f"id title status priceList companyLocations({_PAGING}) companyLocationsCount",
 "CatalogConnection": "*", "CatalogEdge": "*", "MarketCatalogConnection": "*", "MarketCatalogEdge": "*",
 "Market": f"id name handle status enabled type conditions currencySettings catalogs({_PAGING}) catalogsCount",
 "MarketConditions": "conditionTypes regionsCondition",
 "RegionsCondition": "*", "MarketRegion": "*", "MarketRegionCountry": "*",
 "MarketRegionConnection": "*", "MarketRegionEdge": "*",
 "MarketCurrencySettings": "*", "CurrencySetting": "*",
 "MarketConnection": "*", "MarketEdge": "*",
 "MoneyV2": "*",
 # payloads
 "PriceListCreatePayload": "*", "PriceListUpdatePayload": "*", "PriceListDeletePayload": "*", "PriceListUserError": "*",
 "PriceListFixedPricesAddPayload": "*", "PriceListFixedPricesUpdatePayload": "*",
 "PriceListFixedPricesDeletePayload": "*", "PriceListPriceUserError": "*",
 "PriceListFixedPricesByProductUpdatePayload": "*", "PriceListFixedPricesByProductBulkUpdateUserError": "*",
 "QuantityRulesAddPayload": "*", "QuantityRulesDeletePayload": "*", "QuantityRuleUserError": "*",
 "CatalogCreatePayload": "*", "CatalogUpdatePayload": "*", "CatalogDeletePayload": "*", "CatalogUserError": "*",
 "MarketCreatePayload": "*", "MarketUpdatePayload": "*", "MarketDeletePayload": "*", "MarketUserError": "*",
 # inputs
 "PriceListCreateInput": "*", "PriceListUpdateInput": "*",
 "PriceListParentCreateInput": "*", "PriceListParentUpdateInput": "*",
 "PriceListAdjustmentInput": "*", "PriceListAdjustmentSettingsInput": "*",
 "PriceListPriceInput": "*", "PriceListProductPriceInput": "*", "MoneyInput": "*",
 "QuantityRuleInput": "*",
 "CatalogCreateInput": "title status context priceListId",
 "CatalogUpdateInput": "title status context priceListId",
 "CatalogContextInput": "*",
 "MarketCreateInput": "name handle enabled regions conditions catalogs status currencySettings",
 "MarketUpdateInput": "name handle enabled conditions catalogsToAdd catalogsToDelete status currencySettings removeCurrencySettings",
 "MarketRegionCreateInput": "*",
 "MarketConditionsInput": "regionsCondition", "MarketConditionsUpdateInput": "*",
 "MarketConditionsRegionsInput": "regions applicationLevel", "MarketConditionsRegionInput": "*",
 "MarketCurrencySettingsUpdateInput": "*",
}
# fmt: on
