"""The access log: every read or change of a case, item or person is chained by hash; tampering is detected by
`rso-joint-action verify-access-log`; concurrent appends never fork a chain; exports are for the lead and auditors."""

import csv
import io
import itertools
import json
import threading

import pytest

from joint_action_service.__main__ import main
from joint_action_service.access_log.models import AccessLogEntry, AccessLogHead
from joint_action_service.access_log.service import ACCESS_LOG, verify
from joint_action_service.tests.conftest import item_body

pytestmark = pytest.mark.integration


def chain(world) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects(chain=world.case_id).order_by("seq"))


@pytest.fixture
def verify_command(settings, monkeypatch, capsys):
    """Run the real command line against this test's database; return (exit code, output)."""
    monkeypatch.setenv("MONGODB_URI", settings.mongodb_uri)
    monkeypatch.setenv("MONGODB_DATABASE", settings.mongodb_database)
    monkeypatch.setenv("LOG_JSON", "false")

    def run(*options: str) -> tuple[int, str]:
        code = main(["verify-access-log", *options])
        return code, capsys.readouterr().out

    return run


def test_reads_and_changes_of_cases_items_and_persons_are_chained(world):
    item = world.mys.created(world.case_path("/items"), item_body())
    person = world.tha.created(world.case_path("/persons"), {"kind": "suspect", "network_role": "financier"})
    world.idn.get(world.case_path())
    world.idn.get(world.case_path(f"/items/{item['id']}"))
    world.idn.get(world.case_path(f"/persons/{person['id']}"))

    entries = chain(world)
    assert [(e.actor_tenant, e.action, e.record_type) for e in entries] == [
        ("THA", "create", "case"), ("MYS", "create", "item"), ("THA", "create", "person"),
        ("IDN", "read", "case"), ("IDN", "read", "item"), ("IDN", "read", "person")]
    assert [e.seq for e in entries] == list(range(1, 7))
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(entries))
    assert AccessLogHead.objects.get(id=world.case_id).hash == entries[-1].hash


def tamper_alter(entries):
    AccessLogEntry._get_collection().update_one({"_id": entries[2].id}, {"$set": {"actor_tenant": "XXX"}})
    return 3, "altered"


def tamper_delete_middle(entries):
    AccessLogEntry._get_collection().delete_one({"_id": entries[2].id})
    return 3, "missing"


def tamper_delete_newest(entries):
    AccessLogEntry._get_collection().delete_one({"_id": entries[-1].id})
    return len(entries), "missing"


def tamper_rehash(entries):
    """Alter an entry and recompute its own hash: the next entry no longer links to it."""
    raw = AccessLogEntry._get_collection().find_one({"_id": entries[1].id})
    raw["actor"] = "someone-else"
    AccessLogEntry._get_collection().update_one(
        {"_id": raw["_id"]}, {"$set": {"actor": raw["actor"], "hash": ACCESS_LOG.chain_hash(raw["prev_hash"], raw)}})
    return 3, "does not link to entry 2"


@pytest.mark.parametrize("tamper", [tamper_alter, tamper_delete_middle, tamper_delete_newest, tamper_rehash])
def test_the_verify_command_reports_the_first_broken_link(world, verify_command, tamper):
    for _ in range(3):
        world.idn.get(world.case_path())
    assert verify_command() == (0, "access log intact: 1 chain(s), 4 entries\n")

    broken_seq, reason = tamper(chain(world))
    code, output = verify_command()
    assert code == 1
    [broken_line] = [line for line in output.splitlines() if line.startswith("BROKEN")]
    assert f"case {world.case_id}, entry {broken_seq}:" in broken_line
    assert reason in broken_line


def test_concurrent_reads_extend_one_chain_without_forking(app, world):
    threads, reads_each = 6, 3
    failures = []

    def read_repeatedly():
        client = app.test_client()
        for _ in range(reads_each):
            response = client.get(world.case_path(), headers=world.idn.headers)
            if response.status_code != 200:
                failures.append(response.get_json())

    workers = [threading.Thread(target=read_repeatedly) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert failures == []
    entries = chain(world)
    assert [entry.seq for entry in entries] == list(range(1, threads * reads_each + 2))
    assert verify().intact


def test_the_lead_exports_its_cases_log_as_csv_and_json_without_records_it_cannot_see(world, caller):
    hidden = world.mys.created(world.case_path("/items"), item_body(handling_code="originator_approval"))
    world.mys.get(world.case_path(f"/items/{hidden['id']}"))
    world.idn.get(world.case_path())
    lead_auditor, platform_auditor = caller("THA", "auditor"), caller("RSO", "auditor")

    exported = lead_auditor.get("/access-log", query_string={"case_id": world.case_id}).get_json()
    assert [(row["actor_tenant"], row["action"], row["record_type"], row["withheld"]) for row in exported] == [
        ("THA", "create", "case", False), ("", "", "", True), ("", "", "", True), ("IDN", "read", "case", False)]
    assert all(len(row["hash"]) == 64 for row in exported)
    assert hidden["id"] not in str(exported)
    by_mys = lead_auditor.get("/access-log", query_string={"actor_tenant": "MYS"}).get_json()
    assert by_mys == []  # a filter on content never reaches a withheld entry

    as_csv = lead_auditor.get("/access-log", query_string={"format": "csv"})
    assert as_csv.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert [row["hash"] for row in rows] == [row["hash"] for row in exported]

    everything = platform_auditor.get("/access-log").get_json()
    assert [row["seq"] for row in everything] == [1, 2, 3, 4]
    assert hidden["id"] in {row["record_id"] for row in everything}

    assert caller("IDN", "auditor").get("/access-log").get_json() == []
    assert caller("THA", "requesting_officer").get("/access-log").status_code == 403


def test_the_export_comes_a_page_at_a_time(world, caller):
    for _ in range(6):
        world.idn.get(world.case_path())
    lead_auditor = caller("THA", "auditor")
    first = lead_auditor.get("/access-log", query_string={"page_size": 3})
    assert json.loads(first.headers["X-Pagination"])["total"] == 7
    second = lead_auditor.get("/access-log", query_string={"page_size": 3, "page": 2, "format": "csv"})
    assert json.loads(second.headers["X-Pagination"])["page"] == 2
    assert [row["seq"] for row in csv.DictReader(io.StringIO(second.get_data(as_text=True)))] == ["4", "5", "6"]
    assert lead_auditor.get("/access-log", query_string={"page_size": 5000}).status_code == 422


@pytest.fixture
def export_files(world, caller, tmp_path):
    """The lead's export of its case, in pages of 2, JSON and CSV mixed, with entries it may not read."""
    hidden = world.mys.created(world.case_path("/items"), item_body(handling_code="originator_approval"))
    world.mys.get(world.case_path(f"/items/{hidden['id']}"))
    for _ in range(3):
        world.idn.get(world.case_path())
    lead_auditor = caller("THA", "auditor")

    def export() -> list:
        files = []
        for number in (1, 2, 3, 4):
            kind = "csv" if number % 2 else "json"
            response = lead_auditor.get("/access-log", query_string={"page": number, "page_size": 2, "format": kind})
            files.append(tmp_path / f"page-{number}.{kind}")
            files[-1].write_bytes(response.get_data())
        return files

    return export


def test_the_lead_verifies_its_chain_from_its_own_export(export_files, world, verify_command):
    def verified() -> tuple[int, str]:
        return verify_command("--export", *map(str, export_files()))

    assert verified() == (0, "access log intact: 1 chain(s), 6 entries\n")

    [entry] = [e for e in chain(world) if e.actor_tenant == "IDN"][:1]
    AccessLogEntry._get_collection().update_one({"_id": entry.id}, {"$set": {"actor": "someone-else"}})
    code, output = verified()
    assert code == 1
    assert f"BROKEN: case {world.case_id}, entry {entry.seq}: content does not match its hash" in output

    AccessLogEntry._get_collection().delete_one({"_id": entry.id})
    code, output = verified()
    assert code == 1 and f"entry {entry.seq} is missing" in output
