"""Fragments spread by the operations one directory up."""
