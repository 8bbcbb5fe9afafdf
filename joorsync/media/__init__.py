"""Images both ways: JOOR style and colour images ↔ Shopify product and variant media."""
