"""Nominations name people of the coordinator's own tenant only, and never reveal another tenant's people
(issue 11, item 3); a person's identity and name come from their own token, not from a nomination."""

import pytest

from chassis.testing.events import emitted
from training_service.certificates.models import Certificate
from training_service.enrolments.models import Enrolment
from training_service.tests.builders import build_course, complete_course, ok, trainee_email

pytestmark = pytest.mark.integration


def nominate(client, session_id, coordinator, **person):
    return client.post(f"/sessions/{session_id}/nominations", headers=coordinator, json=person)


def bulk(client, session_id, coordinator, csv):
    return ok(client.post(f"/sessions/{session_id}/enrolments/bulk", data=csv, content_type="text/csv",
                          headers=coordinator))


@pytest.mark.parametrize("known_to_training", [False, True])
def test_a_nomination_of_another_tenants_person_neither_blocks_nor_reveals_them(client, actors, known_to_training):
    built = build_course(client, actors.coordinator())
    idn_person, idn_email = actors.trainee("IDN"), trainee_email("IDN")
    if known_to_training:  # the IDN person has used training before
        ok(client.post(f"/sessions/{build_course(client, actors.coordinator(), code='OTHER').session_id}"
                       "/enrolments", headers=idn_person), 201)
    tha = actors.coordinator("THA")

    by_tha = ok(nominate(client, built.session_id, tha, email=idn_email, name="Someone"), 201)
    never_seen = ok(nominate(client, built.session_id, tha, email="nobody@nowhere.example.org", name="Nobody"), 201)
    assert by_tha["trainee"] == {"user_id": None, "email": idn_email, "name": "Someone", "tenant": "THA"}
    assert by_tha["invited"] is True and never_seen["invited"] is True
    assert {key: value for key, value in never_seen["trainee"].items() if key not in ("email", "name")} == \
        {key: value for key, value in by_tha["trainee"].items() if key not in ("email", "name")}
    rows = bulk(client, built.session_id, tha, f"email,name\nAlso.{idn_email},Also\n")["rows"]
    assert rows[0]["outcome"] == "invited"

    own = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=idn_person), 201)
    assert own["status"] == "enrolled" and own["trainee"]["tenant"] == "IDN"
    mine = ok(client.get("/me/enrolments", headers=idn_person))
    assert by_tha["id"] not in {enrolment["id"] for enrolment in mine}
    assert client.get(f"/enrolments/{by_tha['id']}", headers=idn_person).status_code == 404
    assert Enrolment.across_tenants("test").get(id=by_tha["id"]).tenant == "THA"


def test_the_same_holds_through_bulk_csv(client, actors):
    built = build_course(client, actors.coordinator())
    idn_person, idn_email = actors.trainee("IDN"), trainee_email("IDN")
    report = bulk(client, built.session_id, actors.coordinator("THA"), f"email,name\n{idn_email},Someone\n")
    assert report["totals"] == {"invited": 1}
    assert ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=idn_person), 201)["status"] == "enrolled"


def test_a_coordinator_cannot_name_a_persons_account(client, actors):
    """The identity link (user id) of a nominee comes from the person's own sign-in only."""
    built = build_course(client, actors.coordinator())
    response = nominate(client, built.session_id, actors.coordinator("THA"), email="ana@tha.example.org",
                        name="Ana", user_id="user-trainee1-IDN")
    assert response.status_code == 422
    assert [row["field"] for row in response.get_json()["errors"]] == ["user_id"]
    assert Enrolment.across_tenants("test").count() == 0
    report = bulk(client, built.session_id, actors.coordinator("THA"),
                  "email,name,user_id\nana@tha.example.org,Ana,user-trainee1-IDN\n")
    assert Enrolment.across_tenants("test").get(id=report["rows"][0]["enrolment_id"]).trainee.user_id is None


def test_a_known_person_is_nominated_with_their_accounts_id_and_name(client, actors):
    provider, tha = actors.coordinator(), actors.coordinator("THA")
    ok(client.post(f"/sessions/{build_course(client, provider, code='FIRST').session_id}/enrolments",
                   headers=actors.trainee("THA", 2)), 201)
    built = build_course(client, provider)
    nominated = ok(nominate(client, built.session_id, tha, email=trainee_email("THA", 2).upper(), name="Typo Nam"), 201)
    assert nominated["trainee"] == {"user_id": "user-trainee2-THA", "email": trainee_email("THA", 2),
                                    "name": "Trainee2 Tha", "tenant": "THA"}
    assert nominated["invited"] is False


def test_the_certificate_names_the_person_as_their_account_does_not_as_a_coordinator_typed(client, actors):
    built = build_course(client, actors.coordinator(), self_enrolment=False)
    nominated = ok(nominate(client, built.session_id, actors.coordinator("THA"), email=trainee_email("THA"),
                            name="Mr X (typed by a coordinator)"), 201)
    trainee = actors.trainee("THA")
    complete_course(client, trainee, built, nominated["id"])

    certificate = Certificate.across_tenants("test").get(enrolment_id=nominated["id"])
    assert (certificate.holder.name, certificate.holder.user_id) == ("Trainee1 Tha", "user-trainee1-THA")
    public = ok(client.get(f"/public/certificates/{certificate.verification_code}"))
    assert public["holder_name"] == "Trainee1 Tha"
    [issued] = emitted("training.certificate.issued")
    assert issued["data"]["holder"]["name"] == "Trainee1 Tha"
    enrolment = ok(client.get(f"/enrolments/{nominated['id']}", headers=trainee))
    assert enrolment["trainee"]["name"] == "Trainee1 Tha"
