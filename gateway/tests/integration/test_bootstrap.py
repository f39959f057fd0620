"""The bootstrap command makes the platform tenant and first platform admin once, never with a default password."""

import argparse

import pytest
import requests

from chassis import context
from chassis.testing import oauth
from chassis.testing.events import emitted
from gateway import commands
from gateway.identity.models import AuditEntry, OAuthClient, Tenant, User, secret_matches

pytestmark = pytest.mark.integration
PASSWORD = "correct-horse-battery-staple"


def run_bootstrap(app, email="Admin@RSO.example.org"):
    return commands.bootstrap(app.extensions["rso.settings"], argparse.Namespace(email=email))


def test_bootstrap_creates_the_platform_admin_once(app, monkeypatch, capsys):
    monkeypatch.setenv("RSO_ADMIN_PASSWORD", PASSWORD)
    assert run_bootstrap(app) == 0
    assert run_bootstrap(app) == 0
    assert "already exists" in capsys.readouterr().out
    [admin] = User.across_tenants("test: every user")
    assert (admin.email, admin.tenant, admin.roles) == ("admin@rso.example.org", "RSO", ["platform_admin"])
    assert secret_matches(admin.password_hash, PASSWORD) and PASSWORD not in admin.password_hash
    assert Tenant.objects.get(code="RSO").kind == "platform"
    assert AuditEntry.objects(action="user.created").count() == 1


@pytest.mark.parametrize("password", [None, "short"])
def test_bootstrap_refuses_a_missing_or_weak_password(app, monkeypatch, password):
    if password is None:
        monkeypatch.delenv("RSO_ADMIN_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("RSO_ADMIN_PASSWORD", password)
    with pytest.raises(SystemExit):
        run_bootstrap(app)
    assert User.across_tenants("test: every user").count() == 0


def test_bootstrap_can_create_a_platform_admin_machine_client(live_gateway, monkeypatch):
    monkeypatch.setenv("RSO_ADMIN_PASSWORD", PASSWORD)
    monkeypatch.setenv("RSO_ADMIN_CLIENT_SECRET", "a-long-admin-client-secret")
    run_bootstrap(live_gateway.app)
    run_bootstrap(live_gateway.app)  # idempotent

    token = requests.post(f"{live_gateway.url}/oauth/token", data={"grant_type": "client_credentials"},
                          auth=(commands.ADMIN_CLIENT_ID, "a-long-admin-client-secret"), timeout=10).json()
    created = requests.post(f"{live_gateway.url}/admin/tenants", timeout=10,
                            headers={"Authorization": f"Bearer {token['access_token']}"},
                            json={"code": "PHL", "name": "Philippines", "kind": "member_state"})

    assert created.status_code == 201, created.text
    assert AuditEntry.objects(action="tenant.created").get().actor == commands.ADMIN_CLIENT_ID


def test_bootstrap_registers_the_portal_as_a_confidential_client_at_this_origin(live_gateway, monkeypatch):
    monkeypatch.setenv("RSO_ADMIN_PASSWORD", PASSWORD)
    monkeypatch.setenv("PORTAL_CLIENT_SECRET", "the-first-portal-secret-0123456789")
    run_bootstrap(live_gateway.app)
    monkeypatch.setenv("PORTAL_CLIENT_SECRET", "the-second-portal-secret-0123456789")
    run_bootstrap(live_gateway.app)  # idempotent, and the secret of now wins

    with context.bound(tenant="RSO"):
        portal = OAuthClient.objects.get(client_id=commands.PORTAL_CLIENT_ID)
    assert portal.confidential and portal.grant_types == ["authorization_code", "refresh_token"]
    assert portal.redirect_uris == [f"{live_gateway.url}/auth/callback"]
    assert portal.post_logout_redirect_uris == [f"{live_gateway.url}/signed-out"]  # the gateway's logout returns
    token = oauth.sign_in(live_gateway.url, commands.PORTAL_CLIENT_ID, "admin@rso.example.org", PASSWORD,
                          f"{live_gateway.url}/auth/callback", client_secret="the-second-portal-secret-0123456789")
    assert token["access_token"] and token["refresh_token"]
    with pytest.raises(Exception, match="invalid_client"):
        oauth.sign_in(live_gateway.url, commands.PORTAL_CLIENT_ID, "admin@rso.example.org", PASSWORD,
                      f"{live_gateway.url}/auth/callback", client_secret="the-first-portal-secret-0123456789")


def test_publish_tenants_tells_late_services_of_every_tenant(app, capsys):
    """A service that starts following `identity.tenant.*` after tenants exist learns them all (issue 11)."""
    Tenant(code="RSO", name="Regional Support Office", kind="platform").save()
    Tenant(code="THA", name="Thailand", kind="member_state").save()
    Tenant(code="MYS", name="Malaysia", kind="member_state", status="suspended", suspension_reason="audit").save()

    assert commands.publish_tenants(app.extensions["rso.settings"], argparse.Namespace()) == 0
    assert "published 2 tenant(s): MYS, THA" in capsys.readouterr().out
    assert [(event["type"], event["data"]) for event in emitted()] == [
        ("identity.tenant.created", {"tenant": "MYS", "name": "Malaysia", "kind": "member_state"}),
        ("identity.tenant.suspended", {"tenant": "MYS", "reason": "audit"}),
        ("identity.tenant.created", {"tenant": "THA", "name": "Thailand", "kind": "member_state"}),
    ]


def test_publish_people_describes_every_person_again_for_a_late_read_model(app, capsys):
    """The notification service's read model of people, begun after they were added, hears of all of them; a
    second run says the same again, so applying both leaves the read model as one would (issue 18)."""
    User(tenant="THA", email="somchai@tha.example.org", display_name="Somchai", roles=["trainee"],
         preferred_language="th").save()
    User(tenant="RSO", email="admin@rso.example.org", display_name="Admin", roles=["platform_admin"]).save()
    gone = User(tenant="MYS", email="gone@mys.example.org", display_name="Gone", roles=["expert"],
                status="deactivated").save()

    settings = app.extensions["rso.settings"]
    assert commands.publish_people(settings, argparse.Namespace()) == 0
    assert "published 3 person(s)" in capsys.readouterr().out
    first = emitted("identity.user.updated")
    assert [(event["tenantid"], event["data"]["email"], event["data"]["status"]) for event in first] == [
        ("RSO", "gone@mys.example.org", "deactivated"), ("RSO", "admin@rso.example.org", "active"),
        ("RSO", "somchai@tha.example.org", "active")]
    assert first[0]["data"] == {"tenant": "MYS", "user_id": str(gone.id), "email": "gone@mys.example.org",
                                "display_name": "Gone", "roles": ["expert"], "preferred_language": None,
                                "status": "deactivated"}
    assert first[2]["data"]["preferred_language"] == "th"

    assert commands.publish_people(settings, argparse.Namespace()) == 0
    again = emitted("identity.user.updated")[3:]
    assert [event["data"] for event in again] == [event["data"] for event in first]
    assert len({event["id"] for event in first + again}) == 6
