"""Pure rules of the chassis: settings parsing, problem bodies, the event envelope."""

import pytest

from chassis.messaging.envelope import Event, make_envelope
from chassis.problems import InvalidTransition, ValidationFailed, flatten_field_errors
from chassis.settings import ServiceSettings


def test_settings_come_from_the_environment_with_local_defaults():
    settings = ServiceSettings.from_env("roster", environ={
        "MONGODB_URI": "mongodb://db:27017", "CONSUMER_RETRY_DELAYS_MS": "10,20", "LOG_JSON": "false",
        "JWKS_MIN_REFRESH_SECONDS": "1.5", "WEB_WORKERS": "4"})
    assert settings.mongodb_uri == "mongodb://db:27017"
    assert settings.mongodb_database == "roster"
    assert settings.port == 8001
    assert settings.consumer_retry_delays_ms == (10, 20)
    assert settings.log_json is False
    assert settings.jwks_min_refresh_seconds == 1.5
    assert settings.web_workers == 4
    with pytest.raises(AttributeError):
        settings.port = 1


def test_nested_field_errors_flatten_to_dotted_paths():
    rows = flatten_field_errors({"period": {"end": ["Must be after start."]}, "languages": {"0": {"code": ["Bad."]}}},
                                "json")
    assert rows == [
        {"field": "period.end", "location": "json", "message": "Must be after start."},
        {"field": "languages.0.code", "location": "json", "message": "Bad."},
    ]
    assert ValidationFailed({"title": ["Required."]}).body()["errors"][0]["field"] == "title"


def test_an_invalid_transition_names_the_allowed_next_states():
    body = InvalidTransition(current_state="draft", requested="accepted",
                             allowed_next_states={"submitted", "withdrawn"}).body()
    assert body["status"] == 409
    assert body["current_state"] == "draft"
    assert body["allowed_next_states"] == ["submitted", "withdrawn"]


def test_envelope_is_cloudevents_with_rso_extensions():
    event = make_envelope("roster.deployment.accepted", {"id": "d1"}, source="roster", tenant="THA")
    assert {"specversion", "id", "source", "type", "time", "datacontenttype", "data", "tenantid",
            "correlationid", "causationid", "dataversion"} <= set(event)
    assert Event.from_envelope(event).tenant == "THA"


@pytest.mark.parametrize("bad_type", ["roster.accepted", "Roster.Deployment.Accepted", "roster..x"])
def test_event_types_follow_the_naming_rule(bad_type):
    with pytest.raises(ValueError):
        make_envelope(bad_type, {}, source="roster", tenant=None)


def test_received_envelopes_are_validated():
    with pytest.raises(ValueError):
        Event.from_envelope({"specversion": "0.3", "id": "x", "type": "a.b.c"})
