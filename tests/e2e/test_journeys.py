"""The platform's user journeys across services (issue #7, item 2), as their users live them.

Every step is a real person's request through the gateway with a token the gateway issued (authorization
code + PKCE); every hop between services is an event consumed by another service's worker, waited for with
a deadline, so a missing consumer fails the journey with a message naming the hop.

Tenants: `RSO` (the roster office), Thailand (`THA`) requests experts and leads a case, Indonesia (`IDN`)
nominates experts, IOM (`IOM`) provides training.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from chassis.testing.events import wait_until
from infra.platform import Api, Directory

pytestmark = pytest.mark.e2e

TODAY = dt.date.today()
HOP_SECONDS = 30  # an event through outbox, relay, RabbitMQ and another service's worker, on a busy 2-core machine

ROSTER, TRAINING, JOINT_ACTION = "/api/roster", "/api/training", "/api/joint-action"


def days_from_today(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


def wait_for(hop: str, probe: Callable[[], Any]) -> Any:
    """Poll `probe` until it returns something truthy; fail naming the hop that did not happen."""
    return wait_until(probe, timeout=HOP_SECONDS, interval=0.25, message=hop)


# --- people ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def directory(platform) -> Directory:
    directory = Directory(platform)
    directory.tenant("THA")
    directory.tenant("IDN")
    directory.tenant("IOM", kind="international_organisation")
    return directory


def sign_in(directory: Directory, tenant: str, email: str, *roles: str) -> Api:
    """A person of `tenant` with `roles` (made once), signed in through the portal."""
    directory.person(tenant, email, *roles)
    return directory.signed_in(email)


def user_id_of(directory: Directory, tenant: str, email: str) -> str:
    """The person's gateway user id: the `sub` of their tokens, by which the services know them."""
    users = directory.admin.get(f"/admin/tenants/{tenant}/users").json()
    return next(user["id"] for user in users if user["email"] == email.lower())


@pytest.fixture(scope="module")
def roster_office(directory) -> Api:
    return sign_in(directory, "RSO", "roster.office@rso.example.org", "roster_manager")


@pytest.fixture(scope="module")
def idn_roster_manager(directory) -> Api:
    return sign_in(directory, "IDN", "roster@imigrasi.go.id", "roster_manager")


@pytest.fixture(scope="module")
def tha_requesting_officer(directory) -> Api:
    return sign_in(directory, "THA", "requests@immigration.go.th", "requesting_officer")


@pytest.fixture(scope="module")
def iom_training_coordinator(directory) -> Api:
    return sign_in(directory, "IOM", "training@iom.int", "training_coordinator")


# --- roster steps ---------------------------------------------------------------------------------------

def put_expert_on_roster(nominator: Api, office: Api, *, full_name: str, email: str, function: str,
                         languages: dict[str, str], user_id: str | None = None) -> str:
    """Indonesia nominates an expert (with consent), the roster office vets it, and it goes active."""
    expert = nominator.post(f"{ROSTER}/experts", expect=201, json={
        "full_name": full_name, "email": email, "phone": "+62 21 5550 1000", "user_id": user_id,
        "nationality": "IDN", "consent_given_on": TODAY.isoformat(),
        "languages": [{"code": code, "level": level} for code, level in languages.items()],
        "functions": [{"code": function, "experience_level": "senior", "years": 8}],
    }).json()
    for step in ("vetted", "active"):
        office.post(f"{ROSTER}/experts/{expert['expert_id']}/transitions", expect=200,
                    json={"to": step, "comment": "references checked"})
    return expert["expert_id"]


def readiness_for(viewer: Api, expert_id: str, function: str) -> dict:
    profile = viewer.get(f"{ROSTER}/experts/{expert_id}").json()
    return next(entry for entry in profile["readiness"] if entry["function"] == function)


def wait_for_readiness(viewer: Api, expert_id: str, function: str, level: str, hop: str) -> dict:
    """The expert's readiness for `function` once the roster shows it at `level`."""
    def at_level():
        entry = readiness_for(viewer, expert_id, function)
        return entry if entry["level"] == level else None
    return wait_for(hop, at_level)


def review_and_offer(office: Api, request_id: str, expert_id: str) -> str:
    """The roster office reviews a submitted request, finds the expert among its candidates and offers them."""
    office.post(f"{ROSTER}/requests/{request_id}/transitions", expect=200, json={"to": "under_review"})
    candidates = office.get(f"{ROSTER}/requests/{request_id}/candidates").json()
    assert expert_id in [candidate["expert_id"] for candidate in candidates], candidates
    deployment = office.post(f"{ROSTER}/requests/{request_id}/offers", expect=201,
                             json={"expert_id": expert_id, "comment": "best match"}).json()
    assert deployment["status"] == "offered"
    return deployment["deployment_id"]


def move_deployment(actor: Api, deployment_id: str, to: str, **body) -> dict:
    deployment = actor.post(f"{ROSTER}/deployments/{deployment_id}/transitions", expect=200,
                            json={"to": to, **body}).json()
    assert deployment["status"] == to
    return deployment


# --- training steps -------------------------------------------------------------------------------------

QUIZ_ANSWER = "Ask the person, and record what they say in their own words"


def publish_course_with_quiz(coordinator: Api, *, code: str, title: str, function: str) -> dict:
    """A provider's course qualifying for `function`: a lesson and a quiz, published, with a self-paced session.

    Returns the course with its `session_id`.
    """
    quiz = coordinator.post(f"{TRAINING}/assessments", expect=201, json={
        "title": f"{title}: check", "pass_mark": 100, "max_attempts": 3, "questions": [{
            "kind": "single_choice", "prompt": "How do you establish a person's preferred language?",
            "options": [{"text": QUIZ_ANSWER, "correct": True}, {"text": "Guess from their nationality"}]}],
    }).json()
    module = coordinator.post(f"{TRAINING}/modules", expect=201, json={
        "title": title, "functions": [function], "learning_objectives": ["Apply the standard operating procedure"],
        "items": [{"kind": "lesson", "title": "The procedure", "body": "<p>Step by step.</p>"},
                  {"kind": "assessment", "title": "Check", "assessment_id": quiz["id"]}],
    }).json()
    course = coordinator.post(f"{TRAINING}/courses", expect=201, json={
        "code": code, "title": title, "module_ids": [module["id"]], "function": function, "pass_mark": 80,
        "certificate_validity_months": 24, "audience": "all",
    }).json()
    published = coordinator.post(f"{TRAINING}/courses/{course['id']}/status", expect=200,
                                 json={"status": "published"}).json()
    assert published["status"] == "published"
    session = coordinator.post(f"{TRAINING}/courses/{course['id']}/sessions", expect=201,
                               json={"mode": "self_paced", "title": f"{title} (self-paced)"}).json()
    return {**published, "session_id": session["id"]}


def complete_course(trainee: Api, session_id: str) -> dict:
    """The trainee enrols, marks every lesson done and passes every quiz; returns the completed enrolment."""
    enrolment = trainee.post(f"{TRAINING}/sessions/{session_id}/enrolments", expect=201).json()
    assert enrolment["status"] == "enrolled", enrolment
    content = trainee.get(f"{TRAINING}/enrolments/{enrolment['id']}/content").json()
    for item in (item for module in content["modules"] for item in module["items"]):
        if item["kind"] == "assessment":
            path = f"{TRAINING}/enrolments/{enrolment['id']}/assessments/{item['assessment_id']}"
            questions = trainee.get(path).json()["questions"]
            answers = [{"question_id": question["question_id"],
                        "option_ids": [option["option_id"] for option in question["options"]
                                       if option["text"] == QUIZ_ANSWER]} for question in questions]
            result = trainee.post(f"{path}/attempts", expect=201, json={"answers": answers}).json()
            assert result["passed"], result
        else:
            trainee.post(f"{TRAINING}/enrolments/{enrolment['id']}/progress", expect=200,
                         json={"item_id": item["item_id"]})
    completed = trainee.get(f"{TRAINING}/enrolments/{enrolment['id']}").json()
    assert (completed["status"], completed["passed"]) == ("completed", True), completed
    assert completed["certificate_id"], completed
    return completed


# --- journey 1 ------------------------------------------------------------------------------------------

def test_an_interpreter_is_deployed_evaluated_and_recommended_training(
        directory, roster_office, idn_roster_manager, tha_requesting_officer, iom_training_coordinator):
    """Thailand asks for a Thai interpreter; the RSO offers Indonesia's; Indonesia accepts; Thailand deploys
    and evaluates the expert; the skill gap found becomes a recommended enrolment in IOM's course."""
    gap_function = "vulnerable_persons"
    course = publish_course_with_quiz(iom_training_coordinator, code="VUL-101", function=gap_function,
                                      title="Interpreting for unaccompanied and separated minors")
    expert_email = "sari.interpreter@imigrasi.go.id"
    expert_person = sign_in(directory, "IDN", expert_email, "expert", "trainee")
    expert_id = put_expert_on_roster(
        idn_roster_manager, roster_office, full_name="Sari Wulandari", email=expert_email,
        user_id=user_id_of(directory, "IDN", expert_email), function="interpretation_translation",
        languages={"id": "native", "th": "professional", "en": "professional"})

    request = tha_requesting_officer.post(f"{ROSTER}/requests", expect=201, json={
        "function": "interpretation_translation", "languages": [{"code": "th", "min_level": "professional"}],
        "country": "THA", "location": "Ranong immigration detention centre", "min_readiness": "vetted",
        "start_date": days_from_today(0), "end_date": days_from_today(14),  # deployed from its first day on
        "justification": "Interviews of 40 people disembarked in Ranong"}).json()
    tha_requesting_officer.post(f"{ROSTER}/requests/{request['request_id']}/transitions", expect=200,
                                json={"to": "submitted"})
    deployment_id = review_and_offer(roster_office, request["request_id"], expert_id)

    offered = tha_requesting_officer.get(f"{ROSTER}/deployments/{deployment_id}").json()
    assert (offered["expert"]["full_name"], offered["expert"]["email"], offered["expert"]["phone"]) == \
        (None, None, None), "the requesting state sees the expert's contact details before acceptance"
    assert "email" not in tha_requesting_officer.get(f"{ROSTER}/experts/{expert_id}").json()

    move_deployment(idn_roster_manager, deployment_id, "accepted", comment="Sari is available")

    accepted = tha_requesting_officer.get(f"{ROSTER}/deployments/{deployment_id}").json()
    assert (accepted["expert"]["full_name"], accepted["expert"]["email"]) == ("Sari Wulandari", expert_email)
    assert tha_requesting_officer.get(f"{ROSTER}/experts/{expert_id}").json()["email"] == expert_email

    move_deployment(tha_requesting_officer, deployment_id, "deployed")
    evaluation = {"rating": 4, "strengths": "Clear, neutral interpretation",
                  "skill_gaps": [{"function": gap_function, "note": "Interviews of unaccompanied minors"}]}
    move_deployment(tha_requesting_officer, deployment_id, "completed", evaluation=evaluation)
    assert tha_requesting_officer.get(f"{ROSTER}/requests/{request['request_id']}").json()["status"] == "completed"

    def recommendation_for_the_expert(viewer: Api, path: str):
        return next((recommendation for recommendation in viewer.get(f"{TRAINING}{path}").json()
                     if recommendation["deployment_id"] == deployment_id), None)

    recommended = wait_for(
        "a recommended enrolment for the expert's skill gap (roster.deployment.completed -> training worker)",
        lambda: recommendation_for_the_expert(expert_person, "/me/recommendations"))
    assert (recommended["function"], recommended["course_id"], recommended["expert_id"], recommended["status"]) == \
        (gap_function, course["id"], expert_id, "open")
    idn_training_coordinator = sign_in(directory, "IDN", "training@imigrasi.go.id", "training_coordinator")
    assert recommendation_for_the_expert(idn_training_coordinator, "/recommendations")["id"] == recommended["id"]

    expert_person.post(f"{TRAINING}/sessions/{course['session_id']}/enrolments", expect=201)
    assert recommendation_for_the_expert(expert_person, "/me/recommendations")["status"] == "enrolled"


# --- journey 2 ------------------------------------------------------------------------------------------

def test_a_certificate_makes_an_expert_ready_and_revoking_it_takes_readiness_away(
        directory, roster_office, idn_roster_manager, iom_training_coordinator):
    """An Indonesian expert (the same person in training and on the roster) passes IOM's victim
    identification course; the certificate makes them ready for that function; IOM revokes it; not ready."""
    function = "victim_identification"
    course = publish_course_with_quiz(iom_training_coordinator, code="VOT-101", function=function,
                                      title="Identifying victims of trafficking")
    email = "budi.santoso@imigrasi.go.id"
    trainee = sign_in(directory, "IDN", email, "expert", "trainee")
    expert_id = put_expert_on_roster(idn_roster_manager, roster_office, full_name="Budi Santoso", email=email,
                                     user_id=user_id_of(directory, "IDN", email), function=function,
                                     languages={"id": "native", "en": "professional"})
    assert readiness_for(trainee, expert_id, function)["level"] == "vetted"

    certificate_id = complete_course(trainee, course["session_id"])["certificate_id"]

    wait_for("training to know the certificate holder as the roster expert (roster.expert.registered -> training)",
             lambda: trainee.get(f"{TRAINING}/certificates/{certificate_id}").json()["expert_id"] == expert_id)
    ready = wait_for_readiness(
        idn_roster_manager, expert_id, function, "ready",
        f"the roster to show the expert ready for {function} (training.certificate.issued -> roster worker)")
    assert ready["certificate_id"] == certificate_id

    revoked = iom_training_coordinator.post(f"{TRAINING}/certificates/{certificate_id}/revoke", expect=200,
                                            json={"reason": "Quiz answers shared before the assessment"}).json()
    assert revoked["status"] == "revoked"

    wait_for_readiness(
        idn_roster_manager, expert_id, function, "vetted",
        f"the roster to withdraw readiness for {function} (training.certificate.revoked -> roster worker)")
    held = {certificate["certificate_id"]: certificate
            for certificate in idn_roster_manager.get(f"{ROSTER}/experts/{expert_id}").json()["certifications"]}
    assert held[certificate_id]["status"] == "revoked"
    iom = directory.admin.get("/admin/tenants/IOM").json()["name"]  # as named where the platform is shared
    assert held[certificate_id]["issuer"] == iom  # the organisation that ran the course, by name


# --- journey 3 ------------------------------------------------------------------------------------------

def test_a_case_officer_requests_an_age_assessment_expert_and_the_deployment_shows_on_the_case(
        directory, roster_office, idn_roster_manager):
    """In a JPA led by Thailand, a case officer asks the roster for an age-determination expert from a case;
    the roster makes it a submitted request linked to the case; once the offer is accepted, the case shows it."""
    function = "age_determination"
    expert_id = put_expert_on_roster(idn_roster_manager, roster_office, full_name="Dewi Lestari",
                                     email="dewi.lestari@kemkes.go.id", function=function,
                                     languages={"id": "native", "ms": "professional", "en": "professional"})
    certification = idn_roster_manager.post(f"{ROSTER}/experts/{expert_id}/certifications", expect=201, json={
        "title": "Forensic age assessment", "function": function, "issuer": "Universitas Indonesia",
        "evidence_reference": "UI/FK/2024/0117", "issued_on": days_from_today(-200),
        "expires_on": days_from_today(900)}).json()
    roster_office.post(f"{ROSTER}/experts/{expert_id}/certifications/{certification['certificate_id']}/verification",
                       expect=200)
    assert readiness_for(roster_office, expert_id, function)["level"] == "ready"

    coordinator = sign_in(directory, "THA", "jpa@police.go.th", "jpa_coordinator")
    case_officer = sign_in(directory, "THA", "case.officer@police.go.th", "case_officer")
    jpa = coordinator.post(f"{JOINT_ACTION}/jpas", expect=201, json={
        "name": "Andaman Sea 2025", "focus": ["trafficking_in_persons"], "start_date": days_from_today(-10),
        "end_date": days_from_today(80), "participating_tenants": ["IDN"]}).json()
    coordinator.post(f"{JOINT_ACTION}/jpas/{jpa['id']}/transitions", expect=200, json={"to": "active"})
    case = case_officer.post(f"{JOINT_ACTION}/cases", expect=201, json={
        "jpa_id": jpa["id"], "case_type": "trafficking_in_persons",
        "title": "Fishing vessel crew, minors among them"}).json()
    expert_request = case_officer.post(f"{JOINT_ACTION}/cases/{case['id']}/expert-requests", expect=201, json={
        "function": function, "languages": [{"code": "ms", "min_level": "professional"}], "country": "THA",
        "location": "Songkhla shelter", "start_date": days_from_today(14), "end_date": days_from_today(21),
        "justification": "Five crew members say they are adults; they look younger"}).json()
    assert expert_request["case_id"] == case["id"]

    def roster_request_for_the_case():
        requests = roster_office.get(f"{ROSTER}/requests", params={"function": function}).json()
        return next((request for request in requests if request["case_id"] == case["id"]), None)

    request = wait_for("a roster request for the case (joint_action.case.expert_requested -> roster worker)",
                       roster_request_for_the_case)
    assert (request["status"], request["requesting_tenant"], request["function"], request["country"]) == \
        ("submitted", "THA", function, "THA")

    deployment_id = review_and_offer(roster_office, request["request_id"], expert_id)
    move_deployment(idn_roster_manager, deployment_id, "accepted")

    def deployment_on_the_case():
        deployments = case_officer.get(f"{JOINT_ACTION}/cases/{case['id']}").json()["deployments"]
        return next((deployment for deployment in deployments if deployment["deployment_id"] == deployment_id), None)

    shown = wait_for("the accepted deployment on the case (roster.deployment.accepted -> joint-action worker)",
                     deployment_on_the_case)
    assert (shown["status"], shown["request_id"], shown["function"]) == ("accepted", request["request_id"], function)
    assert (shown["expert_name"], shown["expert_nominating_tenant"]) == ("Dewi Lestari", "IDN")
    assert not {"email", "phone", "expert_email"} & shown.keys(), "the case shows no contact details"

    def roster_decision_on_the_request():
        [shown_request] = case_officer.get(f"{JOINT_ACTION}/cases/{case['id']}/expert-requests").json()
        return shown_request if shown_request["roster_status"] == "accepted" else None

    answered = wait_for("the roster's decision on the expert request (roster.deployment_request.moved -> "
                        "joint-action worker)", roster_decision_on_the_request)
    assert answered["roster_request_id"] == request["request_id"]


# --- journey 4 ------------------------------------------------------------------------------------------

def test_an_expert_who_withdraws_consent_is_forgotten_by_training_and_on_cases(
        directory, roster_office, idn_roster_manager, iom_training_coordinator):
    """An Indonesian expert holds IOM's certificate and is deployed on a Thai case; they withdraw consent; the
    roster tells the other services (roster.expert.erased): the certificate still verifies but names nobody,
    the case's deployment no longer names them (ADR 0067)."""
    function = "interview_techniques"
    course = publish_course_with_quiz(iom_training_coordinator, code="INT-201", function=function,
                                      title="Trauma-informed interviews")
    email = "rina.kartika@imigrasi.go.id"
    expert_person = sign_in(directory, "IDN", email, "expert", "trainee")
    expert_id = put_expert_on_roster(idn_roster_manager, roster_office, full_name="Rina Kartika", email=email,
                                     user_id=user_id_of(directory, "IDN", email), function=function,
                                     languages={"id": "native", "th": "professional"})
    certificate_id = complete_course(expert_person, course["session_id"])["certificate_id"]
    code = expert_person.get(f"{TRAINING}/certificates/{certificate_id}").json()["verification_code"]

    def verified() -> dict:
        return directory.admin.get(f"{TRAINING}/public/certificates/{code}").json()

    assert verified()["holder_name"] != "Erased person"

    coordinator = sign_in(directory, "THA", "jpa.erasure@police.go.th", "jpa_coordinator", "case_officer")
    jpa = coordinator.post(f"{JOINT_ACTION}/jpas", expect=201, json={
        "name": "Ranong 2025", "focus": ["people_smuggling"], "start_date": days_from_today(-5),
        "end_date": days_from_today(60), "participating_tenants": ["IDN"]}).json()
    coordinator.post(f"{JOINT_ACTION}/jpas/{jpa['id']}/transitions", expect=200, json={"to": "active"})
    case = coordinator.post(f"{JOINT_ACTION}/cases", expect=201, json={
        "jpa_id": jpa["id"], "case_type": "people_smuggling", "title": "Boat landed at Ranong"}).json()
    coordinator.post(f"{JOINT_ACTION}/cases/{case['id']}/expert-requests", expect=201, json={
        "function": function, "languages": [{"code": "th", "min_level": "professional"}], "country": "THA",
        "location": "Ranong", "start_date": days_from_today(10), "end_date": days_from_today(20),
        "justification": "Interviews of the passengers"})
    request = wait_for("a roster request for the case (joint_action.case.expert_requested -> roster worker)",
                       lambda: next((r for r in roster_office.get(f"{ROSTER}/requests", params={
                           "function": function}).json() if r["case_id"] == case["id"]), None))
    move_deployment(idn_roster_manager, review_and_offer(roster_office, request["request_id"], expert_id), "accepted")

    def names_on_the_case():
        deployments = coordinator.get(f"{JOINT_ACTION}/cases/{case['id']}").json()["deployments"]
        return [deployment["expert_name"] for deployment in deployments]

    wait_for("the deployment on the case (roster.deployment.accepted -> joint-action worker)",
             lambda: names_on_the_case() == ["Rina Kartika"])

    expert_person.post(f"{ROSTER}/experts/{expert_id}/consent-withdrawal", expect=200,
                       json={"comment": "I no longer want to be on the roster"})

    wait_for("the certificate to name nobody (roster.expert.erased -> training worker)",
             lambda: verified()["holder_name"] == "Erased person")
    assert verified()["status"] == "valid"
    wait_for("the case to name the expert no more (roster.expert.erased -> joint-action worker)",
             lambda: names_on_the_case() == ["Erased person"])


def test_an_offer_reaches_the_experts_mailbox_once_in_their_language_and_their_portal_notifications(
        platform, directory, roster_office, idn_roster_manager, tha_requesting_officer):
    """The roster office offers an expert: the loopback SMTP server holds one message for them, in the language
    their tenant admin set at the gateway, linking to the offer; their notifications list it as unread."""
    from pathlib import Path

    from notification_service.mail.server import messages_to

    expert_email = "dewi.border@imigrasi.go.id"
    expert_person = sign_in(directory, "IDN", expert_email, "expert")
    expert_user_id = user_id_of(directory, "IDN", expert_email)
    directory.admin.patch(f"/admin/tenants/IDN/users/{expert_user_id}", json={"preferred_language": "id"})
    expert_id = put_expert_on_roster(
        idn_roster_manager, roster_office, full_name="Dewi Lestari", email=expert_email, user_id=expert_user_id,
        function="border_management", languages={"id": "native", "en": "professional"})
    request = tha_requesting_officer.post(f"{ROSTER}/requests", expect=201, json={
        "function": "border_management", "languages": [{"code": "en", "min_level": "professional"}],
        "country": "THA", "location": "Sadao border checkpoint", "min_readiness": "vetted",
        "start_date": days_from_today(7), "end_date": days_from_today(30),
        "justification": "Document checks at the border"}).json()
    tha_requesting_officer.post(f"{ROSTER}/requests/{request['request_id']}/transitions", expect=200,
                                json={"to": "submitted"})
    deployment_id = review_and_offer(roster_office, request["request_id"], expert_id)

    store = Path(platform.env["MAIL_STORE"])
    [message] = wait_for("the offer's e-mail in the expert's mailbox", lambda: messages_to(store, expert_email))
    assert message["Subject"] == "Tawaran penugasan: border_management di THA"
    assert f"/roster/deployments/{deployment_id}" in message.get_body(("plain",)).get_content()
    mine = wait_for("the offer in the expert's notifications",
                    lambda: expert_person.get("/api/notification/notifications").json()["unread"] and
                    expert_person.get("/api/notification/notifications").json())
    assert [item["kind"] for item in mine["items"]] == ["offer_made"]
    assert len(messages_to(store, expert_email)) == 1


def test_a_requesting_states_system_receives_its_requests_steps_by_signed_webhook_and_no_other_state_does(
        directory, roster_office, idn_roster_manager, tha_requesting_officer):
    """Thailand's administrator subscribes its case system (a receiver on loopback) to its requests' steps; the
    roster office's offer reaches it signed per Standard Webhooks, linking to the request and naming nobody;
    Indonesia's system, subscribed to the same events, receives none of Thailand's."""
    from standardwebhooks import Webhook

    from notification_service.tests.conftest import Receiver

    tha_admin = sign_in(directory, "THA", "admin@immigration.go.th", "tenant_admin")
    idn_admin = sign_in(directory, "IDN", "admin@imigrasi.go.id", "tenant_admin")
    tha_system, idn_system = Receiver(), Receiver()
    try:
        events = ["roster.deployment_request.moved", "roster.deployment.offered"]
        tha_hook = tha_admin.post("/api/notification/webhooks/subscriptions", expect=201,
                                  json={"url": tha_system.url, "event_types": events}).json()
        idn_hook = idn_admin.post("/api/notification/webhooks/subscriptions", expect=201,
                                  json={"url": idn_system.url, "event_types": events}).json()
        expert_id = put_expert_on_roster(idn_roster_manager, roster_office, full_name="Putu Ayu",
                                         email="putu.ayu@imigrasi.go.id", function="victim_identification",
                                         languages={"id": "native", "en": "professional"})
        request = tha_requesting_officer.post(f"{ROSTER}/requests", expect=201, json={
            "function": "victim_identification", "languages": [{"code": "en", "min_level": "professional"}],
            "country": "THA", "location": "Ranong", "min_readiness": "vetted",
            "start_date": days_from_today(10), "end_date": days_from_today(40),
            "justification": "Screening at the port"}).json()
        tha_requesting_officer.post(f"{ROSTER}/requests/{request['request_id']}/transitions", expect=200,
                                    json={"to": "submitted"})
        deployment_id = review_and_offer(roster_office, request["request_id"], expert_id)

        def delivered() -> list[dict]:
            verified = [Webhook(tha_hook["secret"]).verify(body, headers) for headers, body in tha_system.received]
            return verified if "roster.deployment.offered" in {payload["type"] for payload in verified} else []

        payloads = wait_for("the offer's signed delivery to Thailand's system", delivered)
        offered = next(payload for payload in payloads if payload["type"] == "roster.deployment.offered")
        assert offered["data"]["record"]["id"] == deployment_id
        assert offered["data"]["record"]["link"].endswith(f"/roster/requests/{request['request_id']}")
        assert not any("Putu" in body or "putu.ayu" in body for _, body in tha_system.received)
        log = tha_admin.get(f"/api/notification/webhooks/subscriptions/{tha_hook['id']}/deliveries").json()
        assert {entry["status"] for entry in log} <= {"succeeded", "pending"} and len(log) >= 2
        # Indonesia's deliveries would have been made in the same transaction as Thailand's
        assert idn_admin.get(f"/api/notification/webhooks/subscriptions/{idn_hook['id']}/deliveries").json() == []
        assert idn_system.received == []
    finally:
        tha_system.close()
        idn_system.close()
