import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from purna.roles import ADMIN


class Command(BaseCommand):
    help = _(
        "Membuat akun admin bila belum ada. Kata sandi dari PURNA_ADMIN_PASSWORD, atau dibuat acak dan dicetak sekali."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(_("Akun admin '%(u)s' sudah ada (kata sandi dicetak saat pertama dijalankan).") % {"u": username})
            return
        password = os.environ.get("PURNA_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=username, email="", password=password, first_name="Admin")
        user.groups.add(Group.objects.get(name=ADMIN))
        self.stdout.write(self.style.SUCCESS(_("Akun admin dibuat. Masuk dengan: %(u)s / %(p)s") % {"u": username, "p": password}))
