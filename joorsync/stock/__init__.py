"""Stock per location: the location ↔ warehouse table, where stock is counted, written and received."""
