"""The part of the sandbox's schema cut (see `schema_cut`) that serves orders, fulfilment orders, fulfilments.

Same format as `schema_cut.PRODUCT_SPEC`; `QueryRoot` and `Mutation` entries list only this domain's
roots, merged with the other domains' by `schema_cut.merge_specs`. `Customer`, `Company`,
`CompanyContact` and `CompanyLocation` appear with their ids only (what an order's `customer` and
`purchasingEntity` need); the customer domain's spec adds the rest.
"""

from __future__ import annotations

_PAGING = "first,after,last,before,reverse"

# fmt: off
ORDER_SPEC: dict[str, str] = {
 "QueryRoot": f"order(id) orders({_PAGING},sortKey,query) ordersCount(query,limit) fulfillment(id) fulfillmentOrder(id) fulfillmentOrders(includeClosed,{_PAGING},sortKey,query)",
 "Mutation": "orderCreate(order,options) orderUpdate(input) orderCancel(orderId,refund,refundMethod,restock,reason,notifyCustomer,staffNote) orderMarkAsPaid(input) orderDelete(orderId) tagsAdd(id,tags) tagsRemove(id,tags) fulfillmentCreate(fulfillment,message) fulfillmentCancel(id) fulfillmentTrackingInfoUpdate(fulfillmentId,trackingInfoInput,notifyCustomer) fulfillmentEventCreate(fulfillmentEvent) fulfillmentOrderMove(id,newLocationId,fulfillmentOrderLineItems)",
 "Order": (
  "id legacyResourceId name number createdAt updatedAt processedAt cancelledAt cancelReason cancellation closed closedAt"
  " confirmed test displayFinancialStatus displayFulfillmentStatus currencyCode presentmentCurrencyCode email phone poNumber"
  " note tags sourceName sourceIdentifier customAttributes metafield(namespace,key) metafields(namespace,keys,first,after,last,before,reverse)"
  " subtotalPriceSet currentSubtotalPriceSet totalPriceSet currentTotalPriceSet originalTotalPriceSet totalDiscountsSet"
  " currentTotalDiscountsSet totalShippingPriceSet currentShippingPriceSet totalTaxSet currentTotalTaxSet totalOutstandingSet"
  " totalReceivedSet totalCapturableSet totalCapturable netPaymentSet totalRefundedSet capturable fullyPaid unpaid canMarkAsPaid"
  " paymentGatewayNames discountCode discountCodes taxLines currentTaxLines taxesIncluded taxExempt requiresShipping fulfillable"
  " subtotalLineItemsQuantity currentSubtotalLineItemsQuantity shippingLine shippingLines(first,after,last,before,reverse)"
  " billingAddress shippingAddress customer purchasingEntity lineItems(first,after,last,before,reverse)"
  " fulfillmentOrders(displayable,first,after,last,before,reverse,query) fulfillments(first) transactions(first) refunds(first)"
 ),
 "OrderCancellation": "*",
 "LineItem": (
  "id name title quantity currentQuantity unfulfilledQuantity refundableQuantity nonFulfillableQuantity fulfillableQuantity"
  " sku variant product variantTitle vendor requiresShipping taxable isGiftCard customAttributes originalUnitPriceSet"
  " discountedUnitPriceSet discountedUnitPriceAfterAllDiscountsSet originalTotalSet discountedTotalSet totalDiscountSet"
  " unfulfilledOriginalTotalSet unfulfilledDiscountedTotalSet discountAllocations taxLines(first)"
 ),
 "DiscountAllocation": "allocatedAmountSet",
 "ShippingLine": "id title code source custom isRemoved originalPriceSet discountedPriceSet currentDiscountedPriceSet taxLines",
 "TaxLine": "title rate ratePercentage priceSet channelLiable",
 "MoneyBag": "*", "MoneyV2": "*", "Attribute": "*",
 "MailingAddress": "id address1 address2 city company country countryCodeV2 firstName lastName name phone province provinceCode zip",
 "OrderTransaction": "id kind status gateway amountSet parentTransaction createdAt processedAt test manualPaymentGateway order",
 "Refund": "id legacyResourceId createdAt updatedAt note totalRefundedSet order transactions(first,after,last,before,reverse)",
 "OrderTransactionConnection": "*", "OrderTransactionEdge": "*",
 "OrderConnection": "*", "OrderEdge": "*",
 "LineItemConnection": "*", "LineItemEdge": "*",
 "ShippingLineConnection": "*", "ShippingLineEdge": "*",
 "FulfillmentOrder": (
  "id status requestStatus createdAt updatedAt fulfillAt fulfillBy assignedLocation order orderId orderName"
  " orderProcessedAt lineItems(first,after,last,before,reverse) fulfillments(first,after,last,before,reverse)"
 ),
 "FulfillmentOrderAssignedLocation": "name location",
 "FulfillmentOrderLineItem": "id totalQuantity remainingQuantity lineItem sku variant variantTitle productTitle vendor requiresShipping inventoryItemId",
 "FulfillmentOrderConnection": "*", "FulfillmentOrderEdge": "*",
 "FulfillmentOrderLineItemConnection": "*", "FulfillmentOrderLineItemEdge": "*",
 "Fulfillment": (
  "id legacyResourceId name status displayStatus createdAt updatedAt deliveredAt estimatedDeliveryAt inTransitAt"
  " trackingInfo(first) fulfillmentLineItems(first,after,last,before,reverse) fulfillmentOrders(first,after,last,before,reverse)"
  " events(first,after,last,before,reverse) location order totalQuantity requiresShipping service originAddress"
 ),
 "FulfillmentConnection": "*", "FulfillmentEdge": "*",
 "FulfillmentLineItem": "id quantity lineItem originalTotalSet discountedTotalSet",
 "FulfillmentLineItemConnection": "*", "FulfillmentLineItemEdge": "*",
 "FulfillmentTrackingInfo": "*",
 "FulfillmentService": "id handle serviceName trackingSupport type location",
 "FulfillmentOriginAddress": "*",
 "FulfillmentEvent": "id status message happenedAt createdAt estimatedDeliveryAt city province country zip address1 latitude longitude",
 "FulfillmentEventConnection": "*", "FulfillmentEventEdge": "*",
 "Job": "id done",
 "PurchasingEntity": "*", "PurchasingCompany": "*",
 "Customer": "id", "Company": "id", "CompanyContact": "id", "CompanyLocation": "id",
 # payloads
 "OrderCreatePayload": "*", "OrderCreateUserError": "*",
 "OrderUpdatePayload": "*", "OrderMarkAsPaidPayload": "*",
 "OrderCancelPayload": "*", "OrderCancelUserError": "*",
 "OrderDeletePayload": "*", "OrderDeleteUserError": "*",
 "TagsAddPayload": "*", "TagsRemovePayload": "*",
 "FulfillmentCreatePayload": "*", "FulfillmentCancelPayload": "*", "FulfillmentTrackingInfoUpdatePayload": "*",
 "FulfillmentEventCreatePayload": "*",
 "FulfillmentOrderMovePayload": "*", "FulfillmentOrderMoveFulfillmentOrderMoveUserError": "*",
 # inputs
 "OrderCreateOrderInput": (
  "billingAddress companyLocationId currency customAttributes customer discountCode email financialStatus fulfillment"
  " fulfillmentStatus lineItems metafields note phone poNumber presentmentCurrency processedAt shippingAddress shippingLines"
  " sourceIdentifier sourceName tags taxesIncluded taxLines test transactions"
 ),
 "OrderCreateLineItemInput": "priceSet productId properties quantity requiresShipping sku taxLines taxable title variantId variantTitle vendor",
 "OrderCreateLineItemPropertyInput": "*", "OrderCreateCustomAttributeInput": "*",
 "OrderCreateOptionsInput": "*",
 "OrderCreateCustomerInput": "*", "OrderCreateAssociateCustomerAttributesInput": "*",
 "OrderCreateUpsertCustomerAttributesInput": "*", "OrderCreateCustomerAddressInput": "*",
 "OrderCreateDiscountCodeInput": "*", "OrderCreatePercentageDiscountCodeAttributesInput": "*",
 "OrderCreateFixedDiscountCodeAttributesInput": "*", "OrderCreateFreeShippingDiscountCodeAttributesInput": "*",
 "OrderCreateFulfillmentInput": "*", "FulfillmentOriginAddressInput": "*",
 "OrderCreateOrderTransactionInput": "amountSet authorizationCode gateway kind processedAt status test",
 "OrderCreateShippingLineInput": "*", "OrderCreateTaxLineInput": "*",
 "MoneyBagInput": "*", "MoneyInput": "*", "MailingAddressInput": "*",
 "OrderInput": "id email phone note tags shippingAddress customAttributes metafields poNumber",
 "AttributeInput": "*",
 "OrderCancelRefundMethodInput": "*", "OrderCancelStoreCreditRefundInput": "*",
 "OrderMarkAsPaidInput": "*",
 "FulfillmentInput": "*", "FulfillmentOrderLineItemsInput": "*", "FulfillmentOrderLineItemInput": "*",
 "FulfillmentTrackingInput": "*", "FulfillmentEventInput": "*",
}
# fmt: on
