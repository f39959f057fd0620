"""Indexes stay consistent with their collections through transactions, and `check-indexes` says when not."""

from __future__ import annotations

import threading

import mongoengine as me
import pytest
from pymongo.errors import OperationFailure

from chassis import db
from chassis.cli import main as run_command
from chassis.index_check import check_indexes
from chassis.settings import ServiceSettings
from chassis.tests import sample_service


class SnapshotPin(db.Document):
    """Written first in a transaction, so the transaction's snapshot is taken before anything else happens."""

    meta = {"collection": "snapshot_pins"}
    n = me.IntField()


class FirstTouchedInATransaction(db.Document):
    """Never used before the test that touches it first inside a transaction."""

    meta = {"collection": "first_touched", "indexes": ["label"]}
    label = me.StringField()


class Counter(db.Document):
    meta = {"collection": "counters"}
    id = me.StringField(primary_key=True)
    value = me.IntField()


class Appended(db.Document):
    meta = {"collection": "appended", "indexes": [{"fields": ["chain", "seq"], "unique": True}, "writer"]}
    chain = me.StringField()
    seq = me.IntField()
    writer = me.StringField()


class Labelled(db.Document):
    """A document with an indexed field derived from another, as the roster's experts have."""

    meta = {"collection": "labelled", "indexes": ["label_upper"]}
    label = me.StringField()
    label_upper = me.StringField()

    @classmethod
    def ensure_derived_fields(cls) -> None:
        cls.objects(label_upper=None).update(set__label_upper="DERIVED")


def test_a_document_class_first_used_inside_a_transaction_is_found_by_its_indexes(app):
    """The demo load's lost access-log entry: the class's indexes were created after the transaction's snapshot
    (its collection already existed), and the embedded server left the transaction's document out of them."""
    SnapshotPin.objects.count()
    me.get_db()["first_touched"].insert_one({"label": "before"})  # the collection exists, its index does not

    def work():
        SnapshotPin(n=1).save()
        FirstTouchedInATransaction(label="inside").save()

    db.transaction(work)

    assert FirstTouchedInATransaction._get_collection().count_documents({"label": "inside"}, hint="label_1") == 1
    assert check_indexes(me.get_db()).consistent


def test_concurrent_transactions_that_conflict_and_retry_leave_every_index_complete(app):
    """Writers extend one chain; each append reads and moves the head, so most attempts meet a write conflict,
    abort, and re-insert the same (chain, seq) key on their retry."""
    Counter.objects.count(), Appended.objects.count()
    Counter(id="chain", value=0).save()

    def append(writer: str) -> None:
        def work():
            head = Counter.objects.get(id="chain")
            Appended(chain="chain", seq=head.value + 1, writer=writer).save()
            if Counter.objects(id="chain", value=head.value).update_one(inc__value=1) != 1:
                raise OperationFailure("head moved", code=112, details={"errorLabels": ["TransientTransactionError"]})

        for _ in range(3):
            db.transaction(work)

    writers = [threading.Thread(target=append, args=(f"writer-{n}",)) for n in range(6)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()

    assert Appended.objects.count() == 18
    assert sorted(Appended.objects.distinct("seq")) == list(range(1, 19))
    assert check_indexes(me.get_db()).consistent


def _lose_an_index_entry(database) -> None:
    """The embedded server's defect, reproduced with plain pymongo (docs/secantusdb-index-build-in-transaction.md);
    skipped where the server refuses the write as MongoDB does."""
    database["lossy"].insert_one({"case": "A"})
    client = database.client
    try:
        with client.start_session() as session, session.start_transaction():
            database["lossy_pin"].insert_one({"n": 1}, session=session)
            database["lossy"].create_index("case")
            database["lossy"].insert_one({"case": "B"}, session=session)
    except OperationFailure as error:
        if error.has_error_label("TransientTransactionError"):
            pytest.skip("this server refuses a write whose transaction predates an index build")
        raise


def test_check_indexes_names_the_index_and_the_document_it_lost(app, capsys):
    database = me.get_db()
    _lose_an_index_entry(database)
    lost = database["lossy"].find_one({"case": "B"}, hint=[("$natural", 1)])["_id"]

    result = check_indexes(database)

    assert [(d.collection, d.index, d.missing_from_index) for d in result.discrepancies] == [
        ("lossy", "case_1", (lost,))]
    settings: ServiceSettings = app.extensions["rso.settings"]
    exit_code = run_command(sample_service.SERVICE, lambda _settings: app, sample_service.subscriptions,
                            ["check-indexes"], settings_class=fixed_settings(settings))
    printed = capsys.readouterr().out
    assert exit_code == 1
    assert f"INCONSISTENT: {database.name}.lossy case_1: 1 document(s) missing from the index: {lost}" in printed


def test_check_indexes_passes_a_consistent_database(app, capsys):
    SnapshotPin(n=1).save()
    settings: ServiceSettings = app.extensions["rso.settings"]
    exit_code = run_command(sample_service.SERVICE, lambda _settings: app, sample_service.subscriptions,
                            ["check-indexes"], settings_class=fixed_settings(settings))
    assert exit_code == 0
    assert f"{settings.mongodb_database}: consistent" in capsys.readouterr().out


def fixed_settings(settings: ServiceSettings):
    """A settings class whose `from_env` answers the test's settings (its database, not the environment's)."""
    class Fixed(ServiceSettings):
        @classmethod
        def from_env(cls, service_name, environ=None, **overrides):
            return settings

    return Fixed


def test_ensure_indexes_builds_every_index_of_the_service_and_the_chassis_before_its_processes_start(app):
    """`infra/run` and the test platform run it for every service before starting any process, so no index is
    first built while another process's transaction is open (the loss above, across processes)."""
    database = me.get_db()
    database.drop_collection("appended")
    database["labelled"].insert_one({"label": "stored before label_upper existed"})
    settings: ServiceSettings = app.extensions["rso.settings"]

    exit_code = run_command(sample_service.SERVICE, lambda _settings: app, sample_service.subscriptions,
                            ["ensure-indexes"], settings_class=fixed_settings(settings))

    assert exit_code == 0
    assert {"chain_1_seq_1", "writer_1"} <= set(me.get_db()["appended"].index_information())  # (reconnected)
    assert me.get_db()["labelled"].find_one()["label_upper"] == "DERIVED"  # older documents got the derived field
    assert {"chassis.messaging.outbox", "chassis.messaging.consumer"} <= {
        document.__module__ for document in db.document_classes("chassis")}
