"""Every endpoint: another tenant can neither read nor change the records behind it (404, nothing written), and
bad input answers 422 problem+json naming the offending fields, with nothing written."""

import dataclasses

import mongoengine
import pytest

from chassis.testing.routes import service_routes
from joint_action_service.tests.conftest import TODAY, case_body, item_body, jpa_body

pytestmark = pytest.mark.integration

FUTURE = TODAY.replace(year=TODAY.year + 1).isoformat()


@dataclasses.dataclass(frozen=True)
class Call:
    method: str
    path: str  # placeholders: {jpa} {case} {item} {person} {task} {extradition} {outcome}
    body: dict | None = None  # valid input, so that only tenancy can stop the call
    query: dict | None = None

    def send(self, caller, ids: dict, body=None, query=None):
        return caller.client.open(self.path.format(**ids), method=self.method, headers=caller.headers,
                                  json=self.body if body is None else body, query_string=query or self.query)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


RECORD_CALLS = [
    Call("GET", "/jpas/{jpa}"),
    Call("PATCH", "/jpas/{jpa}", {"name": "Taken over"}),
    Call("POST", "/jpas/{jpa}/transitions", {"to": "closed"}),
    Call("GET", "/jpas/{jpa}/dashboard"),
    Call("GET", "/jpas/{jpa}/dashboard.csv"),
    Call("GET", "/cases/{case}"),
    Call("PATCH", "/cases/{case}", {"title": "Taken over"}),
    Call("PUT", "/cases/{case}/shares/PHL", {"permission": "contribute"}),
    Call("DELETE", "/cases/{case}/shares/IDN"),
    Call("POST", "/cases/{case}/milestones", {"status": "investigation"}),
    Call("GET", "/cases/{case}/tasks"),
    Call("POST", "/cases/{case}/tasks", {"title": "Mine now"}),
    Call("GET", "/cases/{case}/tasks/{task}"),
    Call("PATCH", "/cases/{case}/tasks/{task}", {"title": "Mine now"}),
    Call("POST", "/cases/{case}/tasks/{task}/transitions", {"to": "done"}),
    Call("POST", "/cases/{case}/tasks/{task}/comments", {"text": "Hello"}),
    Call("GET", "/cases/{case}/persons"),
    Call("POST", "/cases/{case}/persons", {"kind": "suspect", "network_role": "recruiter"}),
    Call("GET", "/cases/{case}/persons/{person}"),
    Call("PATCH", "/cases/{case}/persons/{person}", {"note": "Mine now"}),
    Call("POST", "/cases/{case}/persons/{person}/releases", {"tenants": ["IDN"]}),
    Call("GET", "/cases/{case}/items"),
    Call("POST", "/cases/{case}/items", item_body()),
    Call("GET", "/cases/{case}/items/{item}"),
    Call("POST", "/cases/{case}/items/{item}/releases", {"tenants": ["IDN"]}),
    Call("GET", "/cases/{case}/outcomes"),
    Call("POST", "/cases/{case}/outcomes", {"kind": "arrest", "date": TODAY.isoformat()}),
    Call("POST", "/cases/{case}/outcomes/{outcome}/transitions", {"to": "answered"}),
    Call("GET", "/cases/{case}/extraditions"),
    Call("POST", "/cases/{case}/extraditions", {"requested_state": "PHL"}),
    Call("POST", "/cases/{case}/extraditions/{extradition}/transitions", {"to": "sent"}),
    Call("GET", "/cases/{case}/expert-requests"),
    Call("POST", "/cases/{case}/expert-requests", {
        "function": "interview_techniques", "country": "PHL", "start_date": TODAY.isoformat(),
        "end_date": TODAY.isoformat(), "justification": "Need one"}),
]

# Collections and the caller's own templates: another tenant's records are simply not in them.
COLLECTION_CALLS = [Call("GET", "/jpas"), Call("GET", "/cases"), Call("GET", "/items"),
                    Call("GET", "/access-log"), Call("GET", "/case-templates"),
                    Call("GET", "/case-templates/{case_type}"), Call("PUT", "/case-templates/{case_type}"),
                    Call("DELETE", "/case-templates/{case_type}"), Call("POST", "/jpas"), Call("POST", "/cases")]

BAD_INPUT = [
    (Call("POST", "/jpas"), {"name": "", "focus": ["piracy"], "start_date": "2026-01-01"},
     {"name", "focus.0", "end_date"}),
    (Call("POST", "/jpas"), jpa_body(start_date="2030-02-01", end_date="2030-01-01"), {"end_date"}),
    (Call("PATCH", "/jpas/{jpa}"), {"end_date": "2000-01-01"}, {"end_date"}),
    (Call("PATCH", "/jpas/{jpa}"), {"participating_tenants": ["IDN", "IDN"]}, {"participating_tenants"}),
    (Call("PATCH", "/jpas/{jpa}"), {"coordinating_tenants": ["not a tenant"]}, {"coordinating_tenants.0"}),
    (Call("POST", "/jpas/{jpa}/transitions"), {"to": "finished"}, {"to"}),
    (Call("POST", "/cases"), {"case_type": "piracy", "title": ""}, {"case_type", "title"}),
    (Call("POST", "/cases"), case_body("not-a-jpa"), {"jpa_id"}),
    (Call("POST", "/cases"), case_body(None, shares=[{"tenant": "THA", "permission": "read"}]), {"shares.0.tenant"}),
    (Call("PATCH", "/cases/{case}"), {"handling_code": "top_secret"}, {"handling_code"}),
    (Call("PUT", "/cases/{case}/shares/PHL"), {"permission": "write"}, {"permission"}),
    (Call("PUT", "/cases/{case}/shares/PHL"), {"permission": "read"}, {"tenant"}),  # PHL is not in the JPA
    (Call("POST", "/cases/{case}/milestones"), {"status": "won"}, {"status"}),
    (Call("POST", "/cases/{case}/milestones"), {"status": "investigation", "date": FUTURE}, {"date"}),
    (Call("POST", "/cases/{case}/tasks"), {"title": "", "due_date": "soon"}, {"title", "due_date"}),
    (Call("POST", "/cases/{case}/tasks"), {"title": "For IDN", "assigned_tenant": "IDN"}, {"assigned_tenant"}),
    (Call("PATCH", "/cases/{case}/tasks/{task}"), {"assigned_tenant": "not a tenant"}, {"assigned_tenant"}),
    (Call("POST", "/cases/{case}/tasks/{task}/transitions"), {"to": "finished"}, {"to"}),
    (Call("POST", "/cases/{case}/tasks/{task}/comments"), {"text": ""}, {"text"}),
    (Call("POST", "/cases/{case}/persons"), {"kind": "suspect"}, {"network_role"}),
    (Call("POST", "/cases/{case}/persons"), {"kind": "victim", "network_role": "recruiter", "released_to": ["PHL"]},
     {"network_role"}),
    (Call("POST", "/cases/{case}/persons"), {"kind": "suspect", "network_role": "recruiter", "released_to": ["PHL"]},
     {"released_to"}),
    (Call("PATCH", "/cases/{case}/persons/{person}"), {"consent": {"scope": ["not a tenant"]}},
     {"consent.recorded_on", "consent.scope.0"}),
    (Call("PATCH", "/cases/{case}/persons/{person}"), {"rescued_on": TODAY.isoformat()}, {"rescued_on"}),
    (Call("POST", "/cases/{case}/persons/{person}/releases"), {"tenants": []}, {"tenants"}),
    (Call("POST", "/cases/{case}/items"), {"source_reliability": "E", "information_credibility": "5"},
     {"title", "content", "source_reliability", "information_credibility"}),
    (Call("POST", "/cases/{case}/items/{item}/releases"), {"tenants": ["PHL"]}, {"tenants"}),
    (Call("POST", "/cases/{case}/outcomes"), {"kind": "arrest", "date": TODAY.isoformat(), "count": 0}, {"count"}),
    (Call("POST", "/cases/{case}/outcomes"), {"kind": "seizure", "date": TODAY.isoformat()}, {"seizure"}),
    (Call("POST", "/cases/{case}/outcomes"), {"kind": "arrest", "date": FUTURE}, {"date"}),
    (Call("POST", "/cases/{case}/outcomes"), {"kind": "seizure", "date": TODAY.isoformat(), "person_ids": ["nobody"],
                                              "seizure": {"seizure_type": "cash", "quantity": 1}}, {"person_ids"}),
    (Call("POST", "/cases/{case}/outcomes"), {"kind": "conviction", "date": TODAY.isoformat()}, {"kind"}),
    (Call("POST", "/cases/{case}/outcomes/{outcome}/transitions"), {"to": "lost"}, {"to"}),
    (Call("POST", "/cases/{case}/extraditions"), {"requested_state": "Malaysia"}, {"requested_state"}),
    (Call("POST", "/cases/{case}/extraditions/{extradition}/transitions"), {"to": "lost"}, {"to"}),
    (Call("POST", "/cases/{case}/expert-requests"), {
        "function": "cooking", "languages": [{"code": "Rohingya", "min_level": "fluent"}], "country": "THA",
        "start_date": TODAY.isoformat(), "end_date": TODAY.isoformat(), "justification": "x"},
     {"function", "languages.0.code", "languages.0.min_level"}),
    (Call("PUT", "/case-templates/{case_type}"), {"tasks": [{"title": "", "due_in_days": -1}]},
     {"tasks.0.title", "tasks.0.due_in_days"}),
]

BAD_QUERIES = [
    (Call("GET", "/jpas"), {"status": "over"}, {"status"}),
    (Call("GET", "/cases"), {"status": "won", "case_type": "piracy"}, {"status", "case_type"}),
    (Call("GET", "/items"), {"source_reliability": "Z"}, {"source_reliability"}),
    (Call("GET", "/access-log"), {"format": "xml"}, {"format"}),
    (Call("GET", "/cases/{case}/tasks"), {"status": "late"}, {"status"}),
    (Call("GET", "/cases/{case}/items"), {"information_credibility": "9"}, {"information_credibility"}),
    (Call("GET", "/cases/{case}/outcomes"), {"kind": "medal"}, {"kind"}),
]


def snapshot() -> dict:
    """Every document of the service's database: a write of any kind shows up as a difference."""
    database = mongoengine.get_db()
    documents = {name: sorted(map(repr, database[name].find())) for name in database.list_collection_names()}
    return {name: docs for name, docs in documents.items() if docs}


@pytest.fixture
def ids(world) -> dict:
    """One record of every kind, in THA's case of the three-state JPA, and THA's own template."""
    path = world.case_path
    person = world.tha.created(path("/persons"), {"kind": "suspect", "full_name": "Karim", "network_role": "recruiter"})
    item = world.tha.created(path("/items"), item_body())
    extradition = world.tha.created(path("/extraditions"), {"requested_state": "MYS"})
    mla_request = world.tha.created(path("/outcomes"), {"kind": "mla_request", "date": TODAY.isoformat(),
                                                        "requested_state": "MYS"})
    task = world.tha.get(path("/tasks")).get_json()[0]
    world.tha.put("/case-templates/people_smuggling", {"tasks": [{"title": "THA's own step"}]})
    return {"jpa": world.jpa_id, "case": world.case_id, "person": person["id"], "item": item["id"],
            "task": task["id"], "extradition": extradition["id"],
            "outcome": mla_request["id"], "case_type": "people_smuggling"}


@pytest.fixture
def outsider(caller):
    return caller("PHL", "case_officer", "jpa_coordinator", "auditor")


def test_every_endpoint_is_covered_here(app):
    covered = {(call.method, call.path) for call in RECORD_CALLS + COLLECTION_CALLS}
    taking_input = {(call.method, call.path) for call in RECORD_CALLS + COLLECTION_CALLS
                    if call.method in ("POST", "PUT", "PATCH")}
    assert taking_input - {(call.method, call.path) for call, _, _ in BAD_INPUT} == set()
    routes = {(method, rule.rule.replace("<", "{").replace(">", "}").replace("_id}", "}")
              .replace("{tenant}", "IDN" if method == "DELETE" else "PHL"))
              for rule in service_routes(app)
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set()


@pytest.mark.parametrize("call", RECORD_CALLS, ids=str)
def test_another_tenant_can_neither_read_nor_change_the_records(call, ids, outsider):
    before = snapshot()
    response = call.send(outsider, ids)
    assert response.status_code == 404, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert snapshot() == before


def test_another_tenants_collections_hold_none_of_the_records(ids, outsider, world):
    for path in ("/jpas", "/cases", "/items", "/access-log"):
        response = outsider.get(path)
        assert (response.status_code, response.get_json()) == (200, []), path
    assert {t["case_type"]: t["source"] for t in outsider.get("/case-templates").get_json()}["people_smuggling"] \
        == "default"
    assert outsider.get("/case-templates/people_smuggling").get_json()["source"] == "default"

    outsider.put("/case-templates/people_smuggling", {"tasks": [{"title": "PHL's step"}]})
    outsider.delete("/case-templates/people_smuggling")
    assert [task["title"] for task in world.tha.get("/case-templates/people_smuggling").get_json()["tasks"]] == [
        "THA's own step"]

    own = outsider.created("/jpas", jpa_body(participating_tenants=[]))
    assert own["participating_tenants"] == ["PHL"]
    assert outsider.post("/cases", case_body(ids["jpa"])).get_json()["errors"][0]["field"] == "jpa_id"
    assert [jpa["id"] for jpa in world.tha.get("/jpas").get_json()] == [ids["jpa"]]


@pytest.mark.parametrize(("call", "body", "fields"), BAD_INPUT, ids=[str(call) for call, _, _ in BAD_INPUT])
def test_bad_input_answers_422_naming_the_fields_and_writes_nothing(call, body, fields, ids, world):
    before = snapshot()
    response = call.send(world.tha, ids, body=body)
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert {error["field"] for error in response.get_json()["errors"]} == fields
    assert snapshot() == before


@pytest.mark.parametrize(("call", "query", "fields"), BAD_QUERIES, ids=[str(call) for call, _, _ in BAD_QUERIES])
def test_bad_query_arguments_answer_422_naming_them(call, query, fields, ids, world):
    response = call.send(world.tha, ids, query=query)
    assert response.status_code == 422
    assert {(error["field"], error["location"]) for error in response.get_json()["errors"]} == {
        (field, "query") for field in fields}
