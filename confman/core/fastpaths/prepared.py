"""Querysets compiled to SQL once per process, then run again with new values
(bench/checkin.py: compiling was most of each of a scan's five short queries).

    TOKEN = PreparedQuery(
        lambda p: ApiToken.objects.select_related("user").filter(token_hash=p.str("hash"))
    )
    token = TOKEN.get(hash=...)

The builder runs once per database alias, so everything that varies between calls must be a
placeholder, `p.str(name)` or `p.int(name)`, where the value reaches the SQL as it is (exact, in
with a fixed length, comparisons); a placeholder that a lookup transforms (contains, iexact,
dates) is refused. Results are what the ORM returns: instances with their select_related objects,
deferred fields and annotations, or values_list() rows. No prefetch_related, no values() dicts.
Only for the few queries on every request of a hot path. Switched off
(FAST_PATHS_OFF=prepared_queries), the builder runs with the values and the ORM evaluates it."""

import threading
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.transaction import TransactionManagementError

from confman.core.fastpaths import enabled

# Values that nothing else in a query holds, to find where each placeholder's value went among
# the compiled query's parameters. The integers are within a 32-bit column's range, so that
# Django does not short-circuit a lookup whose value its column could not hold.
_STR_SENTINEL = "\x00confman.prepared:{}\x00"
_INT_SENTINEL_BASE = -2_147_483_000


class _Placeholders:
    """The builder's `p`: p.str(name) and p.int(name) stand in for the values to come."""

    def __init__(self):
        self.kinds: dict[str, type] = {}  # name: str or int
        self.names: dict[str | int, str] = {}  # stand-in value: name

    def _stand_in(self, name: str, kind: type, value: str | int):
        if self.kinds.setdefault(name, kind) is not kind:
            raise TypeError(f"Placeholder {name!r} is used both as str and as int.")
        self.names[value] = name
        return value

    def str(self, name: str) -> str:
        return self._stand_in(name, str, _STR_SENTINEL.format(name))

    def int(self, name: str) -> int:
        position = list(self.kinds).index(name) if name in self.kinds else len(self.kinds)
        return self._stand_in(name, int, _INT_SENTINEL_BASE - position)


class _Values:
    """The builder's `p` when the fast path is off: the values themselves."""

    def __init__(self, values: dict[str, Any]):
        self.values = values

    def str(self, name: str) -> str:
        return str(self.values[name])

    def int(self, name: str) -> int:
        return int(self.values[name])


class _Compiled:
    def __init__(self, queryset: QuerySet, placeholders: _Placeholders, alias: str):
        iterable = queryset._iterable_class
        if iterable not in (ModelIterable, ValuesListIterable, FlatValuesListIterable):
            raise TypeError(
                "A prepared query returns model instances or values_list() rows, not "
                f"{iterable.__name__}."
            )
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise TypeError("A prepared query cannot prefetch or carry known related objects.")
        self.alias = alias
        self.iterable = iterable
        self.model = queryset.model
        # As Django: FOR UPDATE outside a transaction is an error where the database has it.
        self.for_update = (
            queryset.query.select_for_update and connections[alias].features.has_select_for_update
        )
        compiler = queryset.query.get_compiler(using=alias)
        try:
            if self.for_update and connections[alias].get_autocommit():
                # Django refuses to compile FOR UPDATE outside a transaction; the SQL is the same.
                with transaction.atomic(using=alias):
                    self.sql, params = compiler.as_sql()
            else:
                self.sql, params = compiler.as_sql()
        except EmptyResultSet:
            raise ValueError("This query can never return a row; it needs no preparing.") from None
        self.params = list(params)
        names = placeholders.names
        self.slots = [
            (index, names[value], placeholders.kinds[names[value]])
            for index, value in enumerate(self.params)
            if isinstance(value, str | int) and value in names
        ]
        missing = set(placeholders.kinds) - {name for _, name, _ in self.slots}
        if missing:
            raise ValueError(
                f"Placeholders {sorted(missing)} did not reach the SQL as they are: prepare only "
                "lookups that pass their value through unchanged (exact, in, lt, gt, ...)."
            )
        # What ModelIterable and results_iter() work out from the compiler on every evaluation.
        self.select = compiler.select
        self.klass_info = compiler.klass_info
        self.annotation_col_map = compiler.annotation_col_map
        self.columns = compiler.col_count
        fields = [s[0] for s in self.select[: self.columns]]
        if compiler.has_composite_fields(fields):
            raise TypeError("A prepared query cannot select composite fields.")
        self.converters = compiler.get_converters(fields)
        self.trim = compiler.has_extra_select
        # Kept for apply_converters(), which hands the converters the connection it was made with:
        # they read the settings through it (time zone), never the database itself.
        self.compiler = compiler
        if iterable is ModelIterable:
            select_fields = self.klass_info["select_fields"]
            self.model_start, self.model_end = select_fields[0], select_fields[-1] + 1
            self.init_list = [
                f[0].target.attname for f in self.select[self.model_start : self.model_end]
            ]
            self.populators = get_related_populators(self.klass_info, self.select, alias)

    def rows(self, values: dict[str, Any]) -> list:
        params = list(self.params)
        for index, name, kind in self.slots:
            value = values.get(name)
            if value is None:
                # str(None) would be "None": never a silent stand-in for SQL's NULL.
                raise TypeError(
                    f"Placeholder {name!r} needs a value (got {value!r}); for IS NULL, prepare "
                    "another query."
                )
            params[index] = kind(value)
        connection = connections[self.alias]
        if self.for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.trim:
            rows = [row[: self.columns] for row in rows]
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        return rows

    def results(self, values: dict[str, Any]) -> list:
        rows = self.rows(values)
        if self.iterable is FlatValuesListIterable:
            return [row[0] for row in rows]
        if self.iterable is ValuesListIterable:
            return [tuple(row) for row in rows]
        objects = []
        for row in rows:
            obj = self.model.from_db(
                self.alias, self.init_list, row[self.model_start : self.model_end]
            )
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotation_col_map.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


class PreparedQuery:
    def __init__(self, build: Callable[[_Placeholders], QuerySet]):
        self._build = build
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _for(self, alias: str) -> _Compiled:
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias)
                if compiled is None:
                    placeholders = _Placeholders()
                    queryset = self._build(placeholders).using(alias)
                    compiled = _Compiled(queryset, placeholders, alias)
                    self._compiled[alias] = compiled
        return compiled

    def _orm(self, using: str, values: dict[str, Any]) -> QuerySet:
        return self._build(_Values(values)).using(using)

    def all(self, *, using: str = "default", **values) -> list:
        if not enabled("prepared_queries"):
            return list(self._orm(using, values))
        return self._for(using).results(values)

    def first(self, *, using: str = "default", **values) -> Model | Any | None:
        """The first result in the order the query was built with (unlike QuerySet.first(), no
        ordering or limit is added: give it order_by() and [:1])."""
        results = self.all(using=using, **values)
        return results[0] if results else None

    def get(self, *, using: str = "default", **values) -> Model | Any:
        """Exactly one result, or the model's DoesNotExist or MultipleObjectsReturned, as
        QuerySet.get() raises them."""
        if not enabled("prepared_queries"):
            return self._orm(using, values).get()
        compiled = self._for(using)
        results = compiled.results(values)
        if len(results) == 1:
            return results[0]
        meta = compiled.model._meta
        if not results:
            raise compiled.model.DoesNotExist(f"{meta.object_name} matching query does not exist.")
        raise compiled.model.MultipleObjectsReturned(
            f"get() returned more than one {meta.object_name} -- it returned {len(results)}!"
        )
