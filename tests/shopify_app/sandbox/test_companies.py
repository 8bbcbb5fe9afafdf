"""B2B companies in the sandbox beyond what the recordings show: what a JOOR retailer import needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.customers import company_location_record_order, find_company_location

from .conftest import Gql

CREATE = """
mutation Create($input: CompanyCreateInput!) {
  companyCreate(input: $input) {
    company {
      id name externalId customerSince
      mainContact { id isMainContact title customer { id email firstName companyContactProfiles { id } } }
      locations(first: 5) {
        nodes {
          id name currency
          billingAddress { id address1 city zoneCode province countryCode country companyName formattedArea }
          shippingAddress { id }
          roleAssignments(first: 5) { nodes { role { name } companyContact { title } } }
          taxSettings { taxExempt taxExemptions taxRegistrationId }
        }
      }
    }
    userErrors { field message code }
  }
}
"""
RETAILER = {
    "company": {"name": "Boutique Nord", "externalId": "joor-retailer-42"},
    "companyContact": {
        "email": "buyer@nord.test",
        "firstName": "Nina",
        "title": "Buyer",
        "phone": "(212) 555-0101",
    },
    "companyLocation": {
        "name": "Boutique Nord Soho",
        "billingSameAsShipping": True,
        "shippingAddress": {
            "address1": "1 Spring St",
            "city": "New York",
            "zoneCode": "NY",
            "countryCode": "US",
        },
        "taxExempt": True,
    },
}


@pytest.fixture
def gql(make_sandbox: Callable[..., ShopifySandbox]) -> Gql:
    return Gql(make_sandbox(products=0, deliver_webhooks="off"))


def create_company(gql: Gql, data: dict[str, Any]) -> dict[str, Any]:
    answer = gql.data(CREATE, {"input": data})["companyCreate"]
    assert answer["userErrors"] == [], answer
    return dict(answer["company"])


def test_company_create_makes_the_location_contact_and_customer(gql: Gql) -> None:
    company = create_company(gql, RETAILER)
    contact = company["mainContact"]
    assert (contact["isMainContact"], contact["title"]) == (True, "Buyer")
    assert contact["customer"]["email"] == "buyer@nord.test"
    assert contact["customer"]["companyContactProfiles"] == [{"id": contact["id"]}]
    [location] = company["locations"]["nodes"]
    assert location["billingAddress"]["id"] == location["shippingAddress"]["id"]
    assert location["billingAddress"] | {"id": None} == {
        "id": None,
        "address1": "1 Spring St",
        "city": "New York",
        "zoneCode": "NY",
        "province": "New York",
        "countryCode": "US",
        "country": "United States",
        "companyName": "Boutique Nord",
        "formattedArea": "New York NY, United States",
    }
    assert location["roleAssignments"]["nodes"] == [
        {"role": {"name": "Ordering only"}, "companyContact": {"title": "Buyer"}}
    ]
    assert location["taxSettings"] == {"taxExempt": True, "taxExemptions": [], "taxRegistrationId": None}
    assert location["currency"] == "USD"
    assert company["customerSince"]  # defaults to the creation time
    state = gql.sandbox.shop()
    number = int(location["id"].rsplit("/", 1)[1])
    found = find_company_location(state, number)
    assert found is not None and found.company.name == "Boutique Nord"


def test_company_create_validates_before_writing(gql: Gql) -> None:
    answer = gql.data(
        CREATE,
        {"input": {"company": {"name": " "}, "companyLocation": {"phone": "nope"}}},
    )["companyCreate"]
    assert answer["company"] is None
    assert answer["userErrors"] == [
        {"field": ["input", "company", "name"], "message": "Name can't be blank", "code": "BLANK"},
        {"field": ["input", "companyLocation", "phone"], "message": "Phone is invalid", "code": "INVALID"},
    ]
    assert gql.sandbox.shop().companies == {}


def test_a_contact_email_already_a_customer_is_taken(gql: Gql) -> None:
    gql.data('mutation { customerCreate(input: { email: "Buyer@Nord.test" }) { userErrors { message } } }')
    answer = gql.data(CREATE, {"input": RETAILER})["companyCreate"]
    assert answer["userErrors"] == [
        {
            "field": ["input", "companyContact", "email"],
            "message": "Email has already been taken",
            "code": "TAKEN",
        }
    ]


def test_assign_address_to_one_type_of_a_shared_address_splits_it(gql: Gql) -> None:
    company = create_company(gql, RETAILER)
    location = company["locations"]["nodes"][0]
    assign = """mutation($id: ID!, $address: CompanyAddressInput!) {
      companyLocationAssignAddress(locationId: $id, address: $address, addressTypes: [BILLING]) {
        addresses { id address1 } userErrors { field message code } } }"""
    answer = gql.data(
        assign, {"id": location["id"], "address": {"address1": "PO Box 7", "countryCode": "US"}}
    )
    [billing] = answer["companyLocationAssignAddress"]["addresses"]
    assert billing["id"] != location["shippingAddress"]["id"]
    read = gql.data(
        "query($id: ID!) { companyLocation(id: $id) { billingAddress { id address1 } shippingAddress { id address1 } } }",
        {"id": location["id"]},
    )["companyLocation"]
    assert read == {
        "billingAddress": billing,
        "shippingAddress": {"id": location["shippingAddress"]["id"], "address1": "1 Spring St"},
    }


def test_orders_count_towards_the_company_and_block_its_deletion(gql: Gql) -> None:
    company = create_company(gql, RETAILER)
    state = gql.sandbox.shop()
    location = state.company_locations[int(company["locations"]["nodes"][0]["id"].rsplit("/", 1)[1])]
    company_location_record_order(state, location, 501, "125.50")
    company_location_record_order(state, location, 502, "74.50")
    read = """query($id: ID!) { company(id: $id) { ordersCount { count } totalSpent { amount currencyCode }
      locations(first: 1) { nodes { ordersCount { count } orderCount totalSpent { amount } } } } }"""
    assert gql.data(read, {"id": company["id"]})["company"] == {
        "ordersCount": {"count": 2},
        "totalSpent": {"amount": "200.0", "currencyCode": "USD"},
        "locations": {
            "nodes": [{"ordersCount": {"count": 2}, "orderCount": 2, "totalSpent": {"amount": "200.0"}}]
        },
    }
    delete = (
        "mutation($id: ID!) { companyDelete(id: $id) { deletedCompanyId userErrors { field message code } } }"
    )
    assert gql.data(delete, {"id": company["id"]})["companyDelete"] == {
        "deletedCompanyId": None,
        "userErrors": [
            {"field": ["id"], "message": "Failed to delete the company.", "code": "FAILED_TO_DELETE"}
        ],
    }


def test_companies_sort_by_what_they_spent(gql: Gql) -> None:
    state = gql.sandbox.shop()
    for name, amounts in (("Small", ("30.25",)), ("Large", ("200.0", "5")), ("None", ())):
        company = create_company(gql, {"company": {"name": name}})
        location = state.company_locations[int(company["locations"]["nodes"][0]["id"].rsplit("/", 1)[1])]
        for index, amount in enumerate(amounts):
            company_location_record_order(state, location, hash((name, index)), amount)
    read = "query($key: CompanySortKeys) { companies(first: 3, sortKey: $key, reverse: true) { nodes { name } } }"
    for key, expected in (
        ("TOTAL_SPENT", ["Large", "Small", "None"]),
        ("ORDER_COUNT", ["Large", "Small", "None"]),
    ):
        names = [node["name"] for node in gql.data(read, {"key": key})["companies"]["nodes"]]
        assert names == expected


def test_deleting_a_company_keeps_its_customers(gql: Gql) -> None:
    company = create_company(gql, RETAILER)
    customer_id = company["mainContact"]["customer"]["id"]
    delete = "mutation($id: ID!) { companyDelete(id: $id) { deletedCompanyId } }"
    assert gql.data(delete, {"id": company["id"]})["companyDelete"]["deletedCompanyId"] == company["id"]
    read = "query($id: ID!) { customer(id: $id) { email companyContactProfiles { id } } }"
    assert gql.data(read, {"id": customer_id})["customer"] == {
        "email": "buyer@nord.test",
        "companyContactProfiles": [],
    }
    state = gql.sandbox.shop()
    assert (state.companies, state.company_locations, state.company_contacts, state.role_assignments) == (
        {},
        {},
        {},
        {},
    )


def test_company_searches(gql: Gql) -> None:
    first = create_company(gql, RETAILER)
    create_company(gql, {"company": {"name": "Atelier Sud", "externalId": "joor-retailer-7"}})
    read = """query($companies: String, $locations: String) {
      companies(first: 5, query: $companies) { nodes { name } }
      companyLocations(first: 5, query: $locations) { nodes { name } } }"""
    company_number = first["id"].rsplit("/", 1)[1]
    answer = gql.data(
        read, {"companies": "external_id:joor-retailer-42", "locations": f"company_id:{company_number}"}
    )
    assert answer == {
        "companies": {"nodes": [{"name": "Boutique Nord"}]},
        "companyLocations": {"nodes": [{"name": "Boutique Nord Soho"}]},
    }
    answer = gql.data(read, {"companies": "sud", "locations": "-name:soho"})
    assert answer == {
        "companies": {"nodes": [{"name": "Atelier Sud"}]},
        "companyLocations": {"nodes": [{"name": "Atelier Sud"}]},
    }


def test_role_assignment_refuses_what_is_not_the_contacts_company(gql: Gql) -> None:
    first = create_company(gql, RETAILER)
    other = create_company(gql, {"company": {"name": "Atelier Sud"}})
    roles = gql.data(
        "query($id: ID!) { company(id: $id) { contactRoles(first: 2) { nodes { id name } } } }",
        {"id": first["id"]},
    )["company"]["contactRoles"]["nodes"]
    assign = """mutation($contact: ID!, $role: ID!, $location: ID!) {
      companyContactAssignRole(companyContactId: $contact, companyContactRoleId: $role, companyLocationId: $location) {
        companyContactRoleAssignment { role { name } } userErrors { field code } } }"""
    variables = {
        "contact": first["mainContact"]["id"],
        "role": roles[0]["id"],
        "location": other["locations"]["nodes"][0]["id"],
    }
    answer = gql.data(assign, variables)["companyContactAssignRole"]
    assert answer == {
        "companyContactRoleAssignment": None,
        "userErrors": [{"field": ["companyLocationId"], "code": "RESOURCE_NOT_FOUND"}],
    }
    variables["location"] = first["locations"]["nodes"][0]["id"]
    answer = gql.data(assign, variables)["companyContactAssignRole"]
    assert answer == {"companyContactRoleAssignment": {"role": {"name": "Location admin"}}, "userErrors": []}


def test_companies_are_served_without_shopify_plus(gql: Gql) -> None:
    """Nothing documents what a shop without Plus gets from companyCreate, so it is accepted."""
    assert gql.data("{ shop { plan { shopifyPlus } } }")["shop"]["plan"]["shopifyPlus"] is False
    create_company(gql, {"company": {"name": "Anyone"}})
