"""The outbox's schedules in django-celery-beat, so admins see them (and may move them) in the admin.

- the daily plan at 06:00 local time: cancel what is no longer due, queue the reminders due today and
  send them (and, on the digest weekday, the weekly digest for the head of the agency);
- the sweep every minute: requeue interrupted sends, hand queued messages to the worker (after a broker
  or SMTP outage this is what sends them).

Existing entries are left as they are (an admin may have changed them); the crontab takes the time
zone of settings.TIME_ZONE.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

PLAN_TASK = "purna.notifications.tasks.reminders_plan_task"
SWEEP_TASK = "purna.notifications.tasks.outbox_sweep_task"
PLAN_NAME = "Notifikasi: rencanakan dan kirim pengingat (harian)"
SWEEP_NAME = "Notifikasi: sapu kotak keluar (tiap menit)"


def schedules_create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=PLAN_NAME,
        defaults={
            "task": PLAN_TASK,
            "crontab": daily,
            "queue": settings.PURNA_EMAIL_QUEUE,
            "description": "Membatalkan pengingat yang tidak berlaku lagi, mengantrekan pengingat yang jatuh "
            "tempo hari ini (masing-masing sekali) dan mengirimnya.",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=SWEEP_NAME,
        defaults={
            "task": SWEEP_TASK,
            "interval": every_minute,
            "queue": settings.PURNA_EMAIL_QUEUE,
            # While no worker runs, sweeps would pile up in the broker: one that waited two minutes is dropped.
            "expire_seconds": 120,
            "description": "Mengantrekan ulang pengiriman yang terputus dan menyerahkan email yang menunggu "
            "ke worker (setelah Redis atau server SMTP kembali).",
        },
    )
    # Tell a running beat that its schedule changed.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def schedules_remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[PLAN_NAME, SWEEP_NAME]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedules_create, schedules_remove)]
