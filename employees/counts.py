"""Counts of the register (dashboard, projection, list totals), cached until the register changes.

Counting the active employees of 100,000 took 56 ms on every dashboard request, and grows with the
register (about ten times that at 1,000,000). These counts are exact and must stay so: a person who
changes an employee's status or unit, or imports a file, sees the new figures on the next page. So the
cache is not a time-based one: every cached value is keyed by the register's *revision*, a random token
stored in one database row (RegisterRevision) and replaced after every committed change to an employee
or a unit. A changed register has a new token, under which nothing is cached yet; the old entries are
never read again (they expire after a day, only to free the memory).

Who replaces the token (register_changed, run after the commit):
- saving or deleting an Employee or a UnitKerja (the signals connected in employees/apps.py), or a
  benefits Payout (benefits/apps.py: the dashboard counts the retirees whose tali asih is not prepared);
- every bulk write through Employee.objects and Payout.objects (RegisterQuerySet: update, bulk_create,
  bulk_update);
- the writes in raw SQL: the import (employees/services/imports.py) and the facts refresh
  (employees/services/register.py) call register_changed themselves.

Why these orderings are safe: the token is read before the counts, both in READ COMMITTED, and it is
replaced only after the change has committed. A reader therefore never stores counts older than the
token it read; at worst it stores newer counts under a token that is about to be replaced. Inside a
transaction that has changed the register but not committed yet (a service that reads its own counts,
or a test, whose transaction is never committed), the cache is bypassed: the counts are computed from
what that transaction sees, and not stored.

The token lives in the database rather than in the cache, so that a change made by the Celery worker
(an import) reaches every web process even with the per-process cache of a development machine. Reading
it is one query on a one-row table (a few hundred microseconds).
"""

import hashlib
import logging
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from purna.pagination import CappedPaginator

logger = logging.getLogger(__name__)

T = TypeVar("T")

REVISION_PK = 1
CACHE_PREFIX = "purna:counts"
# Not a freshness limit (the token is): only how long entries of outdated tokens take up memory.
CACHE_SECONDS = 24 * 3600
# The tables whose rows the revision follows: a count that reads any other table is not cached.
REGISTER_TABLES = frozenset({"employees_employee", "employees_unitkerja"})


class _RevisionBump:
    """The after-commit callback that replaces the token; one per transaction (see register_changed)."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def __call__(self) -> None:
        revision_bump(using=self.alias)


def _pending(connection: Any) -> bool:
    """Whether this connection's open transaction has changed the register (a bump waits for its commit).

    Django drops the callbacks of a transaction or savepoint that rolls back, so a rolled-back change
    leaves nothing pending.
    """
    return connection.in_atomic_block and any(
        isinstance(callback, _RevisionBump) for _sids, callback, _robust in connection.run_on_commit
    )


def register_changed(*, using: str | None = None) -> None:
    """Note that employees or units changed on connection `using`: the revision's token is replaced once
    the transaction commits (at once outside a transaction), and until then this connection's counts
    are not cached."""
    alias = using or DEFAULT_DB_ALIAS
    if _pending(connections[alias]):
        return
    # robust: a failure to replace the token is logged, and never undoes or hides the committed change.
    transaction.on_commit(_RevisionBump(alias), using=alias, robust=True)


def revision_bump(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Replace the register's token with a new random one and return it (creating the row if missing)."""
    from employees.models import RegisterRevision

    token = secrets.randbits(62)
    revisions = RegisterRevision.objects.using(using)
    if not revisions.filter(pk=REVISION_PK).update(token=token):
        revisions.update_or_create(pk=REVISION_PK, defaults={"token": token})
    return token


def revision_token(*, using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The register's current token (one query), or None when the row is missing (counts not cached)."""
    from employees.models import RegisterRevision

    return RegisterRevision.objects.using(using).filter(pk=REVISION_PK).values_list("token", flat=True).first()


def scope_key(scope: Any) -> str:
    """A short, stable text for a staff scope (employees/scope.py): "all", or its sorted unit ids."""
    if scope.unit_ids is None:
        return "all"
    return ",".join(str(pk) for pk in sorted(scope.unit_ids)) or "none"


def counts_cached(name: str, parts: tuple, compute: Callable[[], T], *, using: str = DEFAULT_DB_ALIAS) -> T:
    """`compute()`'s value, cached under the register's token: `name` and `parts` (plain values: dates,
    ids, a scope_key) say what was counted. The value must be plain data (numbers, dates, tuples, lists,
    dicts), so that an entry outlives a refactoring of the code that made it.

    One query (the token) when cached; the token's query and compute()'s otherwise. A cache that does not
    answer (Redis down) only costs the computation.
    """
    if _pending(connections[using]):
        return compute()
    token = revision_token(using=using)
    if token is None:
        return compute()
    database = connections[using].settings_dict["NAME"]
    digest = hashlib.sha256(repr((database, parts)).encode()).hexdigest()[:32]
    key = f"{CACHE_PREFIX}:{name}:{token}:{digest}"
    try:
        value = cache.get(key)
    except Exception:  # the cache is an optimisation: never fail a page for it
        logger.warning("counts cache unreachable, computing %s", name, exc_info=True)
        return compute()
    if value is not None:
        return value
    value = compute()
    try:
        cache.set(key, value, CACHE_SECONDS)
    except Exception:
        logger.warning("counts cache unreachable, %s not stored", name, exc_info=True)
    return value


def _tables(sql: str) -> set[str]:
    """The quoted table names a statement reads (FROM and JOIN, sub-selects included)."""
    words = sql.replace("(", " ").split()
    return {
        words[index + 1].strip('"').split('"')[0]
        for index, word in enumerate(words[:-1])
        if word in ("FROM", "JOIN") and words[index + 1].startswith('"')
    }


def queryset_cached(name: str, queryset: models.QuerySet, compute: Callable[[], T]) -> T:
    """`compute()`'s figure about `queryset`, cached under the register's token when the queryset reads
    employees and units only (its SQL, ordering aside, says what was counted); computed otherwise."""
    query = queryset.query.chain()
    query.clear_ordering(force=True)
    try:
        sql, params = query.get_compiler(queryset.db).as_sql()
    except Exception:  # an empty result (EmptyResultSet) or a query Django counts another way
        return compute()
    if not _tables(sql) <= REGISTER_TABLES:
        return compute()
    return counts_cached(name, (sql, tuple(str(p) for p in params)), compute, using=queryset.db)


def queryset_count(queryset: models.QuerySet) -> int:
    """queryset.count(), cached under the register's token when it reads employees and units only (the
    employee list's total: 0.5 s at 1,000,000 employees otherwise, on every page of every search)."""
    return queryset_cached("count", queryset, queryset.count)


class CachedCountPaginator(CappedPaginator):
    """A CappedPaginator whose (limited) total comes from queryset_count, cached until the register
    changes (the pages themselves are read as usual)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, counter=queryset_count, **kwargs)


class RegisterQuerySet(models.QuerySet):
    """Employee.objects: the bulk writes, which send no signal, note the change themselves."""

    # After the write: outside a transaction the token is replaced at once, and must not be replaced
    # before the rows it stands for.
    def update(self, **kwargs: Any) -> int:
        rows = super().update(**kwargs)
        register_changed(using=self.db)
        return rows

    update.alters_data = True

    def bulk_create(self, objs, *args: Any, **kwargs: Any):
        created = super().bulk_create(objs, *args, **kwargs)
        register_changed(using=self.db)
        return created

    def bulk_update(self, objs, *args: Any, **kwargs: Any):
        rows = super().bulk_update(objs, *args, **kwargs)
        register_changed(using=self.db)
        return rows


def register_signal_receiver(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_save / post_delete of Employee and UnitKerja (connected in employees/apps.py)."""
    register_changed(using=using)
