"""Tenant administrators manage their people and machine clients and read their audit log; platform
administrators also manage tenants and read the whole audit log. Every page is a call to the gateway's
`/admin/...` API with the person's token: what the API refuses (another tenant's person: 404) the page shows.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from chassis.vocabulary import PLATFORM_TENANT, ROLES, TENANT_KINDS
from portal import gateway
from portal.forms import Form, answered, expect_ok
from portal.pages import admitting, requiring

blueprint = Blueprint("admin", __name__)
AUDIT_PAGE_SIZE = 25
PERSON_FIELDS = ("email", "display_name", "roles")
CLIENT_FIELDS = ("client_id", "name", "roles")
TENANT_FIELDS = ("code", "name", "kind")


def _segment(value: str) -> str:
    return quote(value, safe="")


def _is_platform_admin() -> bool:
    person = session.person
    return person.tenant == PLATFORM_TENANT and "platform_admin" in person.roles


def grantable_roles(tenant: str) -> list[str]:
    """The roles an administrator may offer in `tenant` (the API refuses platform_admin elsewhere anyway)."""
    return [role for role in ROLES if role != "platform_admin" or (tenant == PLATFORM_TENANT and _is_platform_admin())]




administered = requiring("tenant_admin", "platform_admin")
platform_only = admitting(_is_platform_admin)
audit_readers = requiring("tenant_admin", "platform_admin", "auditor")


# - people


@blueprint.get("/organisations/<tenant>/people")
@administered
def people(tenant):
    users = expect_ok(gateway.get(f"/admin/tenants/{_segment(tenant)}/users")).json()
    return render_template("admin/people.html", tenant=tenant, people=users)


@blueprint.route("/organisations/<tenant>/people/new", methods=["GET", "POST"])
@administered
def new_person(tenant):
    expect_ok(gateway.get(f"/admin/tenants/{_segment(tenant)}"))
    if request.method == "GET":
        return render_template("admin/person_new.html", tenant=tenant, form=Form(PERSON_FIELDS),
                               roles=grantable_roles(tenant))
    form = Form.submitted(*PERSON_FIELDS)
    response = gateway.post(f"/admin/tenants/{_segment(tenant)}/users", json={
        "email": form.value("email").strip(), "display_name": form.value("display_name").strip(),
        "roles": form.chosen("roles")})
    if not answered(response, form):
        return render_template("admin/person_new.html", tenant=tenant, form=form,
                               roles=grantable_roles(tenant)), 422
    return render_template("admin/person_created.html", tenant=tenant, created=response.json())


@blueprint.route("/organisations/<tenant>/people/<user_id>", methods=["GET", "POST"])
@administered
def person(tenant, user_id):
    path = f"/admin/tenants/{_segment(tenant)}/users/{_segment(user_id)}"
    user = expect_ok(gateway.get(path)).json()
    form = Form(("display_name", "roles"))
    if request.method == "POST":
        form = Form.submitted("display_name", "roles")
        response = gateway.patch(path, json={"display_name": form.value("display_name").strip(),
                                             "roles": form.chosen("roles")})
        if answered(response, form):
            return redirect(url_for("admin.person", tenant=tenant, user_id=user_id, saved=1), 303)
    else:
        form.values.add("display_name", user["display_name"])
        for role in user["roles"]:
            form.values.add("roles", role)
    return render_template("admin/person.html", tenant=tenant, user=user, form=form, roles=grantable_roles(tenant),
                           saved=request.args.get("saved")), 422 if form.has_errors else 200


@blueprint.post("/organisations/<tenant>/people/<user_id>/deactivate")
@administered
def deactivate_person(tenant, user_id):
    return _change_status(tenant, user_id, "deactivate")


@blueprint.post("/organisations/<tenant>/people/<user_id>/reactivate")
@administered
def reactivate_person(tenant, user_id):
    return _change_status(tenant, user_id, "reactivate")


def _change_status(tenant: str, user_id: str, step: str):
    """Deactivate or reactivate a person; a step the API refuses (409) is shown on the person's page."""
    path = f"/admin/tenants/{_segment(tenant)}/users/{_segment(user_id)}"
    form = Form(())
    if answered(gateway.post(f"{path}/{step}"), form):
        return redirect(url_for("admin.person", tenant=tenant, user_id=user_id), 303)
    return _person_refused(tenant, path, form)


@blueprint.post("/organisations/<tenant>/people/<user_id>/reset-second-factor")
@administered
def reset_second_factor(tenant, user_id):
    """A lost phone: the gateway forgets the person's authenticator app and recovery codes. A person with none
    (someone else reset it meanwhile) is the gateway's 409, shown as a sentence rather than as a workflow."""
    path = f"/admin/tenants/{_segment(tenant)}/users/{_segment(user_id)}"
    response = gateway.post(f"{path}/reset-second-factor")
    if response.status_code == 409:
        form = Form(())
        form.general_errors.append(_("This person has no second factor to reset."))
        return _person_refused(tenant, path, form)
    expect_ok(response)
    return redirect(url_for("admin.person", tenant=tenant, user_id=user_id, saved="second_factor_reset"), 303)


def _person_refused(tenant: str, path: str, action_form: Form):
    """The person's page again, with what the gateway said about an action on it (a 409)."""
    user = expect_ok(gateway.get(path)).json()
    edit = Form(("display_name", "roles"))
    edit.values.add("display_name", user["display_name"])
    for role in user["roles"]:
        edit.values.add("roles", role)
    return render_template("admin/person.html", tenant=tenant, user=user, form=edit, action_form=action_form,
                           roles=grantable_roles(tenant)), 409


# - sign-in security


@blueprint.route("/organisations/<tenant>/sign-in-security", methods=["GET", "POST"])
@administered
def sign_in_security(tenant):
    """The tenant's second-factor policy: the roles whose holders must sign in with an authenticator app."""
    path = f"/admin/tenants/{_segment(tenant)}/second-factor-policy"
    policy = expect_ok(gateway.get(path)).json()
    form = Form(("required_for_roles",))
    if request.method == "POST":
        form = Form.submitted("required_for_roles")
        if answered(gateway.put(path, json={"required_for_roles": form.chosen("required_for_roles")}), form):
            return redirect(url_for("admin.sign_in_security", tenant=tenant, saved=1), 303)
    else:
        for role in policy["required_for_roles"]:
            form.values.add("required_for_roles", role)
    return render_template("admin/sign_in_security.html", tenant=tenant, form=form, roles=grantable_roles(tenant),
                           saved=request.args.get("saved")), 422 if form.has_errors else 200


# - machine clients


@blueprint.get("/organisations/<tenant>/clients")
@administered
def clients(tenant):
    listed = expect_ok(gateway.get(f"/admin/tenants/{_segment(tenant)}/clients")).json()
    return render_template("admin/clients.html", tenant=tenant, clients=listed)


@blueprint.route("/organisations/<tenant>/clients/new", methods=["GET", "POST"])
@administered
def new_client(tenant):
    expect_ok(gateway.get(f"/admin/tenants/{_segment(tenant)}"))
    if request.method == "GET":
        return render_template("admin/client_new.html", tenant=tenant, form=Form(CLIENT_FIELDS),
                               roles=grantable_roles(tenant))
    form = Form.submitted(*CLIENT_FIELDS)
    response = gateway.post(f"/admin/tenants/{_segment(tenant)}/clients", json={
        "client_id": form.value("client_id").strip(), "name": form.value("name").strip(),
        "grant_types": ["client_credentials"], "confidential": True, "roles": form.chosen("roles")})
    if not answered(response, form):
        return render_template("admin/client_new.html", tenant=tenant, form=form, roles=grantable_roles(tenant)), 422
    return render_template("admin/client_secret.html", tenant=tenant, client=response.json())


CLIENT_EDIT_FIELDS = ("name", "roles", "redirect_uris", "allowed_origins")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@blueprint.route("/organisations/<tenant>/clients/<client_id>", methods=["GET", "POST"])
@administered
def client(tenant, client_id):
    """A client and the form that edits it: name, roles, redirect URIs (clients that sign people in) and the
    browser origins allowed to call with its tokens, one per line."""
    path = f"/admin/tenants/{_segment(tenant)}/clients/{_segment(client_id)}"
    found = expect_ok(gateway.get(path)).json()
    signs_people_in = "authorization_code" in found["grant_types"]
    if request.method == "POST":
        form = Form.submitted(*CLIENT_EDIT_FIELDS)
        changes = {"name": form.value("name").strip(), "roles": form.chosen("roles"),
                   "allowed_origins": _lines(form.value("allowed_origins"))}
        if signs_people_in:
            changes["redirect_uris"] = _lines(form.value("redirect_uris"))
        if answered(gateway.patch(path, json=changes), form):
            return redirect(url_for("admin.client", tenant=tenant, client_id=client_id, saved=1), 303)
    else:
        form = Form(CLIENT_EDIT_FIELDS)
        form.values.add("name", found["name"])
        for role in found["roles"]:
            form.values.add("roles", role)
        form.values.add("redirect_uris", "\n".join(found["redirect_uris"]))
        form.values.add("allowed_origins", "\n".join(found.get("allowed_origins", [])))
    return render_template("admin/client.html", tenant=tenant, client=found, form=form, roles=grantable_roles(tenant),
                           signs_people_in=signs_people_in, saved=request.args.get("saved")), \
        422 if form.has_errors else 200


@blueprint.post("/organisations/<tenant>/clients/<client_id>/rotate-secret")
@administered
def rotate_client_secret(tenant, client_id):
    response = gateway.post(f"/admin/tenants/{_segment(tenant)}/clients/{_segment(client_id)}/rotate-secret")
    expect_ok(response)
    return render_template("admin/client_secret.html", tenant=tenant, client=response.json(), rotated=True)


@blueprint.post("/organisations/<tenant>/clients/<client_id>/delete")
@administered
def delete_client(tenant, client_id):
    expect_ok(gateway.delete(f"/admin/tenants/{_segment(tenant)}/clients/{_segment(client_id)}"))
    return redirect(url_for("admin.clients", tenant=tenant, deleted=client_id), 303)


# - the audit log


@blueprint.get("/audit")
@audit_readers
def audit():
    """Newest first, filtered by action (and by tenant for platform administrators), a page at a time."""
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    filters = {name: request.args.get(name, "").strip() for name in ("action", "tenant")}
    if not _is_platform_admin():
        filters.pop("tenant")
    params = {**{name: value for name, value in filters.items() if value}, "page": page,
              "page_size": AUDIT_PAGE_SIZE}
    response = expect_ok(gateway.get("/admin/audit", params=params))
    paging = json.loads(response.headers.get("X-Pagination", "{}"))
    template = "admin/audit_rows.html" if request.headers.get("HX-Request") else "admin/audit.html"
    return render_template(template, entries=response.json(), filters=filters, page=page,
                           last_page=paging.get("last_page", 1), total=paging.get("total", 0))


# - tenants (platform administrators)


@blueprint.get("/tenants")
@platform_only
def tenants():
    listed = expect_ok(gateway.get("/admin/tenants")).json()
    return render_template("admin/tenants.html", tenants=listed)


@blueprint.route("/tenants/new", methods=["GET", "POST"])
@platform_only
def new_tenant():
    kinds = [kind for kind in TENANT_KINDS if kind != "platform"]
    if request.method == "GET":
        return render_template("admin/tenant_new.html", form=Form(TENANT_FIELDS), kinds=kinds)
    form = Form.submitted(*TENANT_FIELDS)
    response = gateway.post("/admin/tenants", json={
        "code": form.value("code").strip().upper(), "name": form.value("name").strip(), "kind": form.value("kind")})
    if not answered(response, form):
        return render_template("admin/tenant_new.html", form=form, kinds=kinds), 422
    return redirect(url_for("admin.tenant", code=response.json()["code"]), 303)


@blueprint.route("/tenants/<code>", methods=["GET", "POST"])
@platform_only
def tenant(code):
    path = f"/admin/tenants/{_segment(code)}"
    found = expect_ok(gateway.get(path)).json()
    rename, suspension = Form(("name",)), Form(("reason",))
    status = 200
    if request.method == "POST":
        action = request.form.get("action")
        if action == "rename":
            rename = Form.submitted("name")
            if answered(gateway.patch(path, json={"name": rename.value("name").strip()}), rename):
                return redirect(url_for("admin.tenant", code=code, saved="renamed"), 303)
        elif action == "suspend":
            suspension = Form.submitted("reason")
            response = gateway.post(f"{path}/suspend", json={"reason": suspension.value("reason").strip()})
            if answered(response, suspension):
                return redirect(url_for("admin.tenant", code=code, saved="suspended"), 303)
        elif action == "reactivate":
            if answered(gateway.post(f"{path}/reactivate"), suspension):
                return redirect(url_for("admin.tenant", code=code, saved="reactivated"), 303)
        else:
            abort(400)
        status = 422 if rename.errors or suspension.errors else 409
    if request.method == "GET" or not rename.has_errors:
        rename.values.setdefault("name", found["name"])
    return render_template("admin/tenant.html", tenant=found, rename=rename, suspension=suspension,
                           saved=request.args.get("saved")), status
