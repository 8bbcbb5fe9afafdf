"""The merchant UI's views: thin callers of the selectors, `joorsync.sync.ui.queries` and the services."""
