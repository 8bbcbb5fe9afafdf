import os

from django.core.asgi import get_asgi_application

from joorsync.core.checks import refuse_unsafe_production

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joorsync.settings")
application = get_asgi_application()
# An ASGI server starts here, not through manage.py: nothing else runs the system checks before serving.
refuse_unsafe_production()
