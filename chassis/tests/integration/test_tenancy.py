"""Queries are scoped to the caller's tenant; crossing tenants is explicit and named."""

import pytest

from chassis import context
from chassis.tenancy import NoTenantContext
from chassis.tests.sample_service import Note

pytestmark = pytest.mark.integration


def test_another_tenant_cannot_read_a_record(client, auth_headers):
    created = client.post("/notes", json={"title": "secret"},
                          headers=auth_headers(tenant="THA", roles=["case_officer"]))
    note_id = created.get_json()["id"]
    assert client.get(f"/notes/{note_id}", headers=auth_headers(tenant="THA")).status_code == 200
    assert client.get(f"/notes/{note_id}", headers=auth_headers(tenant="IDN")).status_code == 404


def test_records_take_the_tenant_of_the_context_and_queries_see_only_it(app):
    with context.bound(tenant="THA"):
        Note(title="a").save()
    with context.bound(tenant="IDN"):
        Note(title="b").save()
        assert [note.title for note in Note.objects] == ["b"]
    assert Note.across_tenants("test: every tenant").count() == 2


def test_a_query_without_tenant_context_is_refused(app):
    with pytest.raises(NoTenantContext):
        Note.objects.count()


def test_crossing_tenants_must_say_why(app):
    with pytest.raises(ValueError):
        Note.across_tenants("")
