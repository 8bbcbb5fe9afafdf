import os

from django.core.wsgi import get_wsgi_application

from joorsync.core.checks import refuse_unsafe_production

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joorsync.settings")
application = get_wsgi_application()
# gunicorn starts here, not through manage.py: nothing else runs the system checks before serving.
refuse_unsafe_production()
