"""Types shared by the apps' signatures."""

from typing import TypeAlias

from purna.models import User as _User

# The person behind an action (a service's `actor`): the project's user model (AUTH_USER_MODEL).
User: TypeAlias = _User
