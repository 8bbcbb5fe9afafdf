"""Writes: every change to shopify_app's data goes through a function here."""
