import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from purna.accounts import AccountState, account_change_record
from purna.roles import ADMIN


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # A property, not a class attribute: argparse needs a real str, in the language active when it runs.
        return _(
            "Create the admin account if it does not exist. The password comes from PURNA_ADMIN_PASSWORD, "
            "or is generated at random and printed once."
        )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                _("The admin account '%(username)s' already exists (its password was printed on the first run).")
                % {"username": username}
            )
            return
        password = os.environ.get("PURNA_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        with transaction.atomic():
            user = User.objects.create_superuser(username=username, email="", password=password, first_name="Admin")
            user.groups.add(Group.objects.get(name=ADMIN))
            # The first entry of the account's trace, made by no one (the installation).
            after = AccountState(roles=frozenset({ADMIN}), is_superuser=True, is_staff=True, password=user.password)
            account_change_record(account=user, actor=None, before=None, after=after)
        self.stdout.write(
            self.style.SUCCESS(
                _("Admin account created. Sign in with: %(username)s / %(password)s")
                % {"username": username, "password": password}
            )
        )
