"""The part of the sandbox's schema cut (see `schema_cut`) that serves customers and B2B companies.

Same format as `schema_cut.PRODUCT_SPEC`; `QueryRoot` and `Mutation` entries list only this domain's
roots, merged with the other domains' by `schema_cut.merge_specs`.
"""

from __future__ import annotations

CONNECTION = "first,after,last,before,reverse"

# fmt: off
CUSTOMER_SPEC: dict[str, str] = {
 "QueryRoot": (
     f"customer(id) customers({CONNECTION},sortKey,query) customersCount(query,limit) "
     "customerByIdentifier(identifier) "
     f"companies({CONNECTION},sortKey,query) companiesCount(limit) company(id) companyLocation(id) "
     f"companyLocations({CONNECTION},sortKey,query) companyContact(id) companyContactRole(id)"
 ),
 "Mutation": (
     "customerCreate(input) customerUpdate(input) customerSet(input,identifier) customerDelete(input) "
     "companyCreate(input) companyUpdate(companyId,input) companyDelete(id) "
     "companyLocationCreate(companyId,input) companyLocationUpdate(companyLocationId,input) "
     "companyLocationAssignAddress(locationId,address,addressTypes) "
     "companyContactCreate(companyId,input) companyContactUpdate(companyContactId,input) "
     "companyAssignCustomerAsContact(companyId,customerId) "
     "companyContactAssignRole(companyContactId,companyContactRoleId,companyLocationId)"
 ),
 # customers
 "Customer": (
     "id legacyResourceId firstName lastName displayName email phone note locale tags state taxExempt "
     "taxExemptions verifiedEmail validEmailAddress canDelete dataSaleOptOut multipassIdentifier createdAt "
     f"updatedAt defaultAddress addresses(first) addressesV2({CONNECTION}) numberOfOrders amountSpent "
     f"metafield(namespace,key) metafields(namespace,keys,{CONNECTION}) defaultEmailAddress "
     "defaultPhoneNumber emailMarketingConsent smsMarketingConsent companyContactProfiles"
 ),
 "MailingAddress": (
     "id firstName lastName name company address1 address2 city province provinceCode country "
     "countryCode countryCodeV2 zip phone formattedArea"
 ),
 "CustomerEmailAddress": "emailAddress marketingState marketingOptInLevel marketingUpdatedAt validFormat",
 "CustomerPhoneNumber": "phoneNumber marketingState marketingOptInLevel marketingUpdatedAt marketingCollectedFrom",
 "CustomerEmailMarketingConsentState": "marketingState marketingOptInLevel consentUpdatedAt",
 "CustomerSmsMarketingConsentState": "marketingState marketingOptInLevel consentUpdatedAt consentCollectedFrom",
 "MoneyV2": "*",
 "CustomerConnection": "*", "CustomerEdge": "*",
 "MailingAddressConnection": "*", "MailingAddressEdge": "*",
 "CustomerCreatePayload": "*", "CustomerUpdatePayload": "*", "CustomerSetPayload": "*",
 "CustomerSetUserError": "*", "CustomerDeletePayload": "deletedCustomerId userErrors",
 "CustomerInput": "*", "CustomerSetInput": "*", "CustomerSetIdentifiers": "*", "CustomerIdentifierInput": "*",
 "CustomerDeleteInput": "*", "UniqueMetafieldValueInput": "*", "MailingAddressInput": "*",
 "CustomerEmailMarketingConsentInput": "*", "CustomerSmsMarketingConsentInput": "*",
 "CustomerMarketingConsentInput": "*",
 # B2B
 "Company": (
     "id name note externalId customerSince createdAt updatedAt contactsCount locationsCount mainContact "
     f"defaultRole contactRoles({CONNECTION},sortKey) contacts({CONNECTION},sortKey,query) "
     f"locations({CONNECTION},sortKey,query) ordersCount totalSpent"
 ),
 "CompanyLocation": (
     "id name externalId note phone locale currency createdAt updatedAt company billingAddress "
     "shippingAddress taxRegistrationId taxExemptions taxSettings ordersCount orderCount totalSpent "
     f"roleAssignments({CONNECTION},sortKey,query)"
 ),
 "CompanyContact": (
     f"id company customer isMainContact title locale createdAt updatedAt roleAssignments({CONNECTION},sortKey,query)"
 ),
 "CompanyContactRole": "*",
 "CompanyContactRoleAssignment": "*",
 "CompanyAddress": (
     "id address1 address2 city zip recipient firstName lastName phone zoneCode province countryCode country "
     "companyName formattedArea createdAt updatedAt"
 ),
 "CompanyLocationTaxSettings": "*",
 "CompanyConnection": "*", "CompanyEdge": "*",
 "CompanyLocationConnection": "*", "CompanyLocationEdge": "*",
 "CompanyContactConnection": "*", "CompanyContactEdge": "*",
 "CompanyContactRoleConnection": "*", "CompanyContactRoleEdge": "*",
 "CompanyContactRoleAssignmentConnection": "*", "CompanyContactRoleAssignmentEdge": "*",
 "BusinessCustomerUserError": "*",
 "CompanyCreatePayload": "*", "CompanyUpdatePayload": "*", "CompanyDeletePayload": "*",
 "CompanyLocationCreatePayload": "*", "CompanyLocationUpdatePayload": "*",
 "CompanyLocationAssignAddressPayload": "*", "CompanyContactCreatePayload": "*",
 "CompanyContactUpdatePayload": "*", "CompanyAssignCustomerAsContactPayload": "*",
 "CompanyContactAssignRolePayload": "*",
 "CompanyCreateInput": "*", "CompanyInput": "*", "CompanyContactInput": "*", "CompanyAddressInput": "*",
 "CompanyLocationInput": (
     "name phone locale externalId note billingAddress shippingAddress billingSameAsShipping "
     "taxRegistrationId taxExemptions taxExempt"
 ),
 "CompanyLocationUpdateInput": "name phone locale externalId note",
}
# fmt: on
