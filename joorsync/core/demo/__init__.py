"""The one-command demo (`make run` → `python manage.py demo`): both sandboxes, the web server and a
worker as child processes, then a shop installed, connected, synced and given a couple of conflicts.

`processes` starts and stops the children, `steps` holds the setup steps as plain functions, `runner`
puts them in order.
"""
