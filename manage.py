#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "purna.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings now
    except ImproperlyConfigured as error:
        # Django's command line would swallow this and fail later with "Models aren't loaded yet".
        sys.exit(f"{error}\n(Development: DEBUG=true, or `make run`.)")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
