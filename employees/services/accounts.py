"""Portal accounts: the user a retiree signs in as on the portal (portal/), made on first request.

The account has no password (Django's unusable one): the retiree signs in with one-time links sent to the
email on record, never with what can be read off a NIP (the birth date and TMT CPNS it encodes). It is
linked to the employee record (Employee.user), and the link is in the record's history.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from employees.contact import employee_contact
from employees.models import Child, Employee, Spouse
from purna.history import history_note
from purna.types import User

USERNAME_PREFIX = "asn-"


def employee_portal_account_ensure(*, employee: Employee, actor: User | None = None) -> Any:
    """The employee's portal account, made (without a password) and linked if there is none yet.

    The row is locked, so two sign-in requests at once make one account. The account's name and email
    follow the record each time, so the portal greets the person as the register names them now.
    """
    User = get_user_model()
    with transaction.atomic():
        locked = Employee.objects.select_for_update(of=("self",)).select_related("user").get(pk=employee.pk)
        user = locked.user
        if user is None:
            username = f"{USERNAME_PREFIX}{locked.nip}"
            # create_user without a password sets an unusable one. Set once: sesame's links are signed
            # with the password hash, so setting it again would void the links already sent.
            user = User.objects.filter(username=username).first() or User.objects.create_user(username=username)
            locked.user = user
            history_note(locked, actor=actor, reason="portal account")
            locked.save(update_fields=["user", "updated_at"])
        # The address the sign-in links go to (employees/contact.py), so the account shows the same one.
        name, email = locked.display_name[:150], employee_contact(locked, today=timezone.localdate()).email
        if (user.first_name, user.email) != (name, email):
            user.first_name, user.email = name, email
            user.save()
    employee.user = user
    return user


HEIR_USERNAME_PREFIX = "ahli-waris-"


def heir_portal_account_ensure(*, heir: Spouse | Child, actor: User | None = None) -> Any:
    """The portal account of an heir (a spouse or child of an employee who died), made without a
    password and linked on first request, like an employee's; its name and email follow the register."""
    User = get_user_model()
    model = type(heir)
    kind = "istri-suami" if model is Spouse else "anak"
    with transaction.atomic():
        locked = model.objects.select_for_update(of=("self",)).select_related("user").get(pk=heir.pk)
        user = locked.user
        if user is None:
            username = f"{HEIR_USERNAME_PREFIX}{kind}-{locked.pk}"
            user = User.objects.filter(username=username).first() or User.objects.create_user(username=username)
            locked.user = user
            history_note(locked, actor=actor, reason="portal account")
            locked.save(update_fields=["user"])
        name, email = locked.name[:150], locked.email
        if (user.first_name, user.email) != (name, email):
            user.first_name, user.email = name, email
            user.save()
    heir.user = user
    return user
