"""Who may change which staff account in the admin, so that an admin cannot raise anyone's powers (their
own included) beyond what they hold themselves (issue "Trust", accounts).

- A superuser manages every account. Only a superuser grants or removes the superuser flag, admin-site
  access (is_staff) and individual permissions, and sets another account's password.
- Nobody deletes an account in the admin: it is deactivated (its name stays on the payouts, receipts and
  histories it signed, and the four-eyes rule keeps knowing who prepared what).
- Another admin manages the accounts inside their own units (employees.selectors.accounts_manageable):
  an admin who sees every unit, every account but the superusers'; an admin of some units, the accounts
  whose units (their staff scope's units and their employee record's unit) are all inside theirs. The
  others are not shown to them (404), superusers never.
- They give only roles whose every permission they hold themselves (their own roles and the smaller
  ones inside them), and set a scope only within their own units.
"""

from collections.abc import Set


def role_grantable(*, role_permissions: Set[str], actor_permissions: Set[str]) -> bool:
    """Whether an admin holding `actor_permissions` may give or take away a role (group) holding
    `role_permissions` ("app_label.codename" both): only when it would give nothing they lack."""
    return set(role_permissions) <= set(actor_permissions)


def password_settable(*, actor_is_superuser: bool, own_account: bool) -> bool:
    """Whether an admin may set the password of an account they manage: their own; another's only as a
    superuser, or an admin could take over a colleague's account and act in their name. Not even an account
    without staff powers today: its roles can be taken away, the password set, and the roles given back
    (and retirees sign in with one-time links, not passwords)."""
    return actor_is_superuser or own_account
