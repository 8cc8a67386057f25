from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from purna.notifications import builtin, registry
from purna.notifications.exceptions import NotificationError
from purna.notifications.services import message_queue


class Command(BaseCommand):
    help = _("Queue a test email to an address, to check the email settings (see the Outbox page for its fate).")

    def add_arguments(self, parser):
        parser.add_argument("address")

    def handle(self, *args, address: str, **options):
        try:
            message, _created = message_queue(
                kind=builtin.TEST_KIND,
                recipient_key=registry.recipient_key(builtin.EMAIL, address),
                occasion=f"test-{timezone.now():%Y%m%dT%H%M%S%f}",
                to_email=address,
            )
        except NotificationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(_("Test email #%(id)d queued to %(address)s.") % {"id": message.pk, "address": address})
        )
