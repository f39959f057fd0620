"""Mechanisms the services share: following tenant suspension, paging querysets, record ids from URLs."""

import time

import marshmallow as ma
import pytest
from flask_smorest.pagination import PaginationParameters

from chassis import context, db
from chassis.messaging.consumer import Subscriptions
from chassis.paging import QueryPage
from chassis.problems import Conflict, NotFound, ValidationFailed
from chassis.tenant_status import (
    ExistingTenantCode,
    follow_tenant_status,
    is_known,
    is_suspended,
    refuse_if_suspended,
    refuse_unknown_tenants,
    suspended_tenants,
)
from chassis.testing.events import deliver, envelope
from chassis.tests.sample_service import Note

pytestmark = pytest.mark.integration


def test_a_service_follows_suspension_and_reactivation_once_per_event(app):
    reacted = []
    subscriptions = Subscriptions("sample")
    follow_tenant_status(subscriptions, on_suspended=lambda code, event: reacted.append(code))
    suspended = envelope("identity.tenant.suspended", {"tenant": "THA", "reason": "audit"}, tenant="RSO")

    assert deliver(subscriptions, suspended) == ["follow_tenant_status"]
    assert deliver(subscriptions, suspended) == []
    assert suspended_tenants() == {"THA"} and is_suspended("THA") and reacted == ["THA"]
    with pytest.raises(Conflict):
        refuse_if_suspended("IDN", "THA")

    deliver(subscriptions, envelope("identity.tenant.reactivated", {"tenant": "THA"}, tenant="RSO"))
    assert suspended_tenants() == set()
    refuse_if_suspended("THA")


def test_a_suspended_tenants_token_is_refused_at_the_services_own_port_and_stays_dead_after_reactivation(
        client, token_issuer):
    """Issue 17 item 9: not only through the gateway; and a reactivation revives no token from before."""
    subscriptions = Subscriptions("sample")
    follow_tenant_status(subscriptions)
    issued_before = token_issuer.mint(tenant="THA", roles=["case_officer"], iat=int(time.time()) - 60)
    other_tenant = token_issuer.mint(tenant="IDN", roles=["case_officer"])
    assert post_note(client, issued_before) == 201

    deliver(subscriptions, envelope("identity.tenant.suspended", {"tenant": "THA", "reason": "audit"}, tenant="RSO"))
    time.sleep(0.6)  # the web process re-reads suspensions at most every half second
    assert post_note(client, issued_before) == 401
    assert post_note(client, other_tenant) == 201

    deliver(subscriptions, envelope("identity.tenant.reactivated", {"tenant": "THA"}, tenant="RSO"))
    time.sleep(0.6)
    issued_after = token_issuer.mint(tenant="THA", roles=["case_officer"])
    assert post_note(client, issued_before) == 401
    assert post_note(client, issued_after) == 201
    assert not is_suspended("THA")


def post_note(client, token) -> int:
    return client.post("/notes", json={"title": "t"}, headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_service_knows_the_tenants_the_gateway_created_and_refuses_other_codes(app):
    class Grant(ma.Schema):
        tenants = ma.fields.List(ExistingTenantCode())

    subscriptions = Subscriptions("sample")
    follow_tenant_status(subscriptions)
    assert Grant().validate({"tenants": ["RSO", "THA", "not a code"]}) == {"tenants": {
        1: ["No tenant THA exists"], 2: ["Not a tenant code, such as THA or IOM"]}}
    with pytest.raises(ValidationFailed):
        refuse_unknown_tenants("tenant", ["THA"], location="path")

    created = envelope("identity.tenant.created", {"tenant": "THA", "name": "Thailand", "kind": "member_state"},
                       tenant="RSO")
    assert deliver(subscriptions, created) == ["follow_tenant_status"]
    assert is_known("THA") and Grant().validate({"tenants": ["THA"]}) == {}
    refuse_unknown_tenants("tenant", ["THA", "RSO"])
    # A suspension of a tenant created before the service followed the gateway makes it known too.
    deliver(subscriptions, envelope("identity.tenant.suspended", {"tenant": "IDN", "reason": "x"}, tenant="RSO"))
    assert is_known("IDN") and is_suspended("IDN")


@pytest.mark.parametrize("as_list", [False, True])
def test_query_page_counts_everything_and_reads_one_page(app, as_list):
    with context.bound(tenant="THA"):
        for number in range(7):
            Note(title=f"note {number}").save()
        notes = Note.objects.order_by("title")
        pager = QueryPage(list(notes) if as_list else notes, PaginationParameters(page=2, page_size=3))
        assert pager.item_count == 7
        assert [note.title for note in pager.items] == ["note 3", "note 4", "note 5"]


def test_a_malformed_record_id_is_not_found():
    with pytest.raises(NotFound):
        db.object_id("not-an-id", "note")
    assert str(db.object_id("0" * 24, "note")) == "0" * 24
