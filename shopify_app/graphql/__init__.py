"""GraphQL documents the app sends to the Shopify Admin API (data files, one operation each)."""
