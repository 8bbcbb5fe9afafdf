"""HTTP entry points: thin callers of services and selectors."""
