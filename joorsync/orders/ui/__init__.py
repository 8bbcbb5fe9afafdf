"""The merchant pages for wholesale orders: the list, one order, its actions and its settings."""
