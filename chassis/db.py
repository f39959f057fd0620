"""MongoDB access for a service: one connection per process, one database per service, transactions.

mongoengine 0.29 has no transaction API, so `transaction()` keeps the active pymongo session in a
context variable and every document deriving from `chassis.db.Document` gets a collection wrapper
that passes that session to each pymongo call mongoengine makes. Code inside a transaction is plain
mongoengine: `doc.save()`, `Model.objects(...).update_one(...)`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import TypeVar

import mongoengine
import pymongo
import pymongo.errors
from bson import ObjectId
from pymongo.client_session import ClientSession
from pymongo.collection import Collection
from pymongo.errors import OperationFailure, PyMongoError
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

from chassis.problems import NotFound
from chassis.settings import ServiceSettings

T = TypeVar("T")
_WRITE_CONFLICT = 112  # MongoDB's code for a write that must be retried in a fresh transaction

_active_session: contextvars.ContextVar[ClientSession | None] = contextvars.ContextVar(
    "mongo_session", default=None
)

# Collection methods that accept `session=`; calls to them join the active transaction.
_SESSION_METHODS = frozenset({
    "aggregate", "bulk_write", "count_documents", "delete_many", "delete_one", "distinct", "find",
    "find_one", "find_one_and_delete", "find_one_and_replace", "find_one_and_update", "insert_many",
    "insert_one", "replace_one", "update_many", "update_one",
})


class SessionBoundCollection:
    """A pymongo Collection that joins the transaction active in the current context, if any."""

    def __init__(self, collection: Collection):
        self._collection = collection

    def with_options(self, *args, **kwargs) -> SessionBoundCollection:
        return SessionBoundCollection(self._collection.with_options(*args, **kwargs))

    def __getattr__(self, name: str):
        attribute = getattr(self._collection, name)
        if name not in _SESSION_METHODS:
            return attribute

        def call(*args, **kwargs):
            session = _active_session.get()
            if session is not None:
                kwargs.setdefault("session", session)
            return attribute(*args, **kwargs)

        return call


class Document(mongoengine.Document):
    """Base of every stored document: its collection joins `transaction()` automatically.

    mongoengine creates a class's indexes the first time the class touches its collection. When that happens
    inside a transaction, the indexes are built after the transaction's snapshot, and SecantusDB (unlike
    MongoDB, which fails such a write with a transient error) then commits the transaction's documents with no
    entries in those indexes: a collection scan finds them, index scans do not (docs/adr/0065). So a first
    touch inside a transaction creates the indexes and restarts the transaction, whose retry starts from a
    snapshot that has them.
    """

    meta = {"abstract": True}

    @classmethod
    def _get_collection(cls):
        indexes_unchecked = getattr(cls, "_collection", None) is None
        collection = SessionBoundCollection(super()._get_collection())  # creates missing indexes on first use
        if indexes_unchecked and in_transaction():
            raise OperationFailure(
                f"indexes of {cls._meta['collection']} were checked inside a transaction; restart it",
                code=_WRITE_CONFLICT, details={"errorLabels": ["TransientTransactionError"]})
        return collection


def aggregate_after_seek(queryset, seek: dict, pipeline: list[dict]):
    """`queryset.aggregate(pipeline)`, but with `seek` (equalities one index holds) in a `$match` of its own first.

    mongoengine puts the queryset's whole filter first, access rules included, and SecantusDB uses an index only for
    a filter all of whose fields one index holds, so it read the whole collection; MongoDB merges the two `$match`
    stages and plans them as one (docs/indexes.md). `seek` must only narrow what the queryset selects.
    """
    return queryset._collection.aggregate([{"$match": seek}, {"$match": queryset._query}, *pipeline])


def document_classes(package: str) -> list[type[Document]]:
    """The stored document classes of `package` (a service) and of the chassis (outbox, inbox, read models)."""
    found, pending = [], list(Document.__subclasses__())
    while pending:
        document = pending.pop()
        pending.extend(document.__subclasses__())
        if not document._meta.get("abstract") and document.__module__.split(".")[0] in (package, "chassis"):
            found.append(document)
    return found


def connect(settings: ServiceSettings) -> None:
    """Connect this process's default mongoengine alias to the service's own database."""
    mongoengine.disconnect()
    _forget_cached_collections(mongoengine.Document)
    mongoengine.connect(
        db=settings.mongodb_database,
        host=settings.mongodb_uri,
        uuidRepresentation="standard",
        tz_aware=True,
        serverSelectionTimeoutMS=settings.mongodb_timeout_ms,
        connectTimeoutMS=settings.mongodb_timeout_ms,
    )


def _forget_cached_collections(base: type) -> None:
    """`disconnect()` resets only the classes in mongoengine's registry, which is keyed by class name; two
    services' documents with one name (tests import every service) would keep a collection of the old client."""
    for subclass in base.__subclasses__():
        subclass._collection = None
        _forget_cached_collections(subclass)


def server_answers(uri: str, timeout_ms: int = 1500) -> bool:
    """Whether a MongoDB server answers a ping at `uri` (used before any connection is configured)."""
    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms)
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


def ping() -> None:
    """Raise if the database does not answer."""
    mongoengine.get_connection().admin.command("ping")


def in_transaction() -> bool:
    return _active_session.get() is not None


def transaction(work: Callable[[], T]) -> T:
    """Run `work()` in one multi-document transaction, retried on transient errors; return its result.

    Nested calls join the outer transaction. The callback may run more than once, so it must not
    have side effects outside the database (publishing is the outbox relay's job, never the caller's),
    and it must load the documents it changes itself: after a retry, a document modified in memory by
    the first attempt has no tracked changes left, and its `save()` would write nothing.
    """
    if in_transaction():
        return work()
    client = mongoengine.get_connection()
    with client.start_session() as session:

        def callback(bound_session: ClientSession) -> T:
            token = _active_session.set(bound_session)
            try:
                return work()
            except pymongo.errors.ConnectionFailure as error:
                # No server to talk to: pymongo would retry the transaction for two minutes, far beyond any
                # request's patience. Give up at once; the app answers 503 with Retry-After.
                raise DatabaseUnavailable(str(error)) from error
            except mongoengine.errors.OperationError as error:
                transient = _transient_cause(error)
                if transient is not None:
                    raise transient from error
                raise
            finally:
                _active_session.reset(token)

        return session.with_transaction(
            callback,
            read_concern=ReadConcern("snapshot"),
            write_concern=WriteConcern("majority"),
        )


class DatabaseUnavailable(pymongo.errors.ConnectionFailure):
    """The database could not be reached inside a transaction: a connection failure like any other to its
    handlers, but without the label that makes pymongo retry the whole transaction for two minutes."""


def _transient_cause(error: Exception) -> PyMongoError | None:
    """mongoengine wraps pymongo errors, hiding the label that makes `with_transaction` retry."""
    cause = error.__cause__ or error.__context__
    if isinstance(cause, PyMongoError) and cause.has_error_label("TransientTransactionError"):
        return cause
    return None


def object_id(value: str, what: str) -> ObjectId:
    """A record id from a URL; one that is not even an ObjectId names nothing, so it is a 404 like any other."""
    if not ObjectId.is_valid(value):
        raise NotFound(f"No {what} {value}")
    return ObjectId(value)
