"""A strict, in-memory emulator of the Shopify endpoints this app uses (WSGI, thread-safe).

OAuth (authorize, code exchange with expiring tokens, refresh, token exchange), the Admin GraphQL API
over a strict subset of the real 2026-07 schema (`schema.graphql`), query cost and the leaky bucket,
bulk operations, and signed webhooks out. Entry points: `app.ShopifySandbox`, `config.SandboxConfig`,
`server.serve_in_thread`, and `python manage.py shopify_sandbox`.

Imports nothing from the rest of `shopify_app`: it stands in for Shopify, not for the app.
"""
