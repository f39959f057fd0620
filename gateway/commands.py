"""Gateway commands: `python -m gateway bootstrap|verify-audit-log|rotate-signing-key|retire-signing-keys|
publish-tenants|publish-people`."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys

from chassis import context, db
from chassis.access import system
from chassis.messaging import emit
from chassis.vocabulary import PLATFORM_TENANT
from gateway import events
from gateway.identity import audit, keys
from gateway.identity.models import OAuthClient, Tenant, User, hash_secret, secret_matches

MIN_PASSWORD_LENGTH = 12


def add_parsers(commands: argparse._SubParsersAction) -> None:
    bootstrap_parser = commands.add_parser(
        "bootstrap", help="create the platform tenant and a first platform admin (idempotent)")
    bootstrap_parser.add_argument("--email", default=os.environ.get("RSO_ADMIN_EMAIL", "admin@rso.example.org"))
    verify_parser = commands.add_parser(
        "verify-audit-log",
        help="re-check every tenant's audit hash chain; report each broken chain's first broken link (exit 1)")
    verify_parser.add_argument("--tenant", help="only this tenant's chain")
    commands.add_parser("rotate-signing-key", help="sign new tokens with a new key; the old one stays published")
    commands.add_parser("retire-signing-keys",
                        help="drop from the JWKS the keys superseded longer ago than a token lifetime")
    commands.add_parser("publish-tenants",
                        help="publish identity.tenant.created (and .suspended) again for every tenant, for services "
                             "that started following tenants after they were created (consumers apply it once)")
    commands.add_parser("publish-people",
                        help="publish identity.user.updated again for every person of every tenant, for services "
                             "that started following people after they were added (applying it twice changes nothing)")


def _admin_password() -> str:
    """From RSO_ADMIN_PASSWORD, or asked for on a terminal; there is never a default in code."""
    password = os.environ.get("RSO_ADMIN_PASSWORD")
    if password is None and sys.stdin.isatty():
        password = getpass.getpass("Password for the first platform admin: ")
    if not password:
        raise SystemExit("set RSO_ADMIN_PASSWORD (or run on a terminal to be asked)")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise SystemExit(f"the admin password needs at least {MIN_PASSWORD_LENGTH} characters")
    return password


ADMIN_CLIENT_ID = "rso-admin-cli"


def _ensure_admin_client() -> None:
    """With RSO_ADMIN_CLIENT_SECRET set, a machine client acting as platform admin (scripts, the local runner)."""
    secret = os.environ.get("RSO_ADMIN_CLIENT_SECRET")
    if not secret or OAuthClient.objects(client_id=ADMIN_CLIENT_ID).first() is not None:
        return
    if len(secret) < MIN_PASSWORD_LENGTH:
        raise SystemExit(f"RSO_ADMIN_CLIENT_SECRET needs at least {MIN_PASSWORD_LENGTH} characters")

    def work() -> None:
        OAuthClient(client_id=ADMIN_CLIENT_ID, name="Platform administration scripts",
                    client_secret_hash=hash_secret(secret), grant_types=["client_credentials"],
                    roles=["platform_admin"], scopes=["api"]).save(force_insert=True)
        audit.record("client.created", actor="bootstrap", actor_tenant=PLATFORM_TENANT, target=ADMIN_CLIENT_ID,
                     target_tenant=PLATFORM_TENANT, roles=["platform_admin"])

    db.transaction(work)
    print(f"created machine client {ADMIN_CLIENT_ID} with the platform_admin role")


PORTAL_CLIENT_ID = "rso-portal"
PORTAL_CALLBACK_PATH = "/auth/callback"  # the portal, served at the gateway's origin, receives codes here
PORTAL_SIGNED_OUT_PATH = "/signed-out"  # where the gateway's logout sends the browser back to the portal


def _ensure_portal_client(settings) -> None:
    """With PORTAL_CLIENT_SECRET set, the RSO portal as a confidential client signing people in at this origin.
    Run again, it takes the secret and the address as they are now (a changed secret, a moved origin)."""
    secret = os.environ.get("PORTAL_CLIENT_SECRET")
    if not secret:
        return
    if len(secret) < MIN_PASSWORD_LENGTH:
        raise SystemExit(f"PORTAL_CLIENT_SECRET needs at least {MIN_PASSWORD_LENGTH} characters")
    redirect_uri = settings.oauth_issuer.rstrip("/") + PORTAL_CALLBACK_PATH
    signed_out_uri = settings.oauth_issuer.rstrip("/") + PORTAL_SIGNED_OUT_PATH
    client = OAuthClient.objects(client_id=PORTAL_CLIENT_ID).first()
    if client is not None and client.confidential and client.redirect_uris == [redirect_uri] \
            and client.post_logout_redirect_uris == [signed_out_uri] \
            and secret_matches(client.client_secret_hash, secret):
        return

    def work() -> None:
        portal = OAuthClient.objects(client_id=PORTAL_CLIENT_ID).first() or OAuthClient(
            client_id=PORTAL_CLIENT_ID, name="RSO portal", scopes=["api"])
        portal.confidential = True
        portal.client_secret_hash = hash_secret(secret)
        portal.grant_types = ["authorization_code", "refresh_token"]
        portal.redirect_uris = [redirect_uri]
        portal.post_logout_redirect_uris = [signed_out_uri]
        portal.status = "active"
        portal.save()
        audit.record("client.registered", actor="bootstrap", actor_tenant=PLATFORM_TENANT, target=PORTAL_CLIENT_ID,
                     target_tenant=PLATFORM_TENANT, redirect_uris=[redirect_uri])

    db.transaction(work)
    print(f"registered the portal ({PORTAL_CLIENT_ID}) at {redirect_uri}")


def bootstrap(settings, args: argparse.Namespace) -> int:
    email = args.email.strip().lower()
    with context.bound(tenant=PLATFORM_TENANT):
        existing = User.objects(email=email).first()
        if existing is not None:
            print(f"platform admin {email} already exists")
            _ensure_admin_client()
            _ensure_portal_client(settings)
            return 0
        password = _admin_password()

        def work() -> None:
            if Tenant.objects(code=PLATFORM_TENANT).first() is None:
                Tenant(code=PLATFORM_TENANT, name="Regional Support Office", kind="platform").save(force_insert=True)
            User(email=email, display_name="Platform administrator", roles=["platform_admin"],
                 password_hash=hash_secret(password)).save()
            audit.record("user.created", actor="bootstrap", actor_tenant=PLATFORM_TENANT, target=email,
                         target_tenant=PLATFORM_TENANT, roles=["platform_admin"])

        db.transaction(work)
        _ensure_admin_client()
        _ensure_portal_client(settings)
    keys.active_key()
    print(f"created platform tenant {PLATFORM_TENANT} and platform admin {email}")
    return 0


def rotate_signing_key(settings, args: argparse.Namespace) -> int:
    key = keys.rotate()
    audit.record("signing_key.rotated", actor="operator", target=key.kid)
    print(f"new signing key {key.kid}; the previous key stays published until retired")
    return 0


def retire_signing_keys(settings, args: argparse.Namespace) -> int:
    grace = dt.timedelta(seconds=settings.access_token_lifetime_seconds + 60)
    retired = keys.retire_superseded(grace)
    for kid in retired:
        audit.record("signing_key.retired", actor="operator", target=kid)
    print(f"retired {len(retired)} key(s): {', '.join(retired) or '-'}")
    return 0


def verify_audit_log(settings, args: argparse.Namespace) -> int:
    result = audit.AUDIT_LOG.verify(args.tenant)
    for link in result.broken:
        print(f"BROKEN: {link}")
    if not result.intact:
        print(f"audit log tampered with: {len(result.broken)} of {result.chains} chain(s) broken")
        return 1
    print(f"audit log intact: {result.chains} chain(s), {result.entries} entries")
    return 0


def publish_tenants(settings, args: argparse.Namespace) -> int:
    """Every tenant's creation (and suspension) once more, so each service's read model of tenants is complete."""
    tenants = list(Tenant.objects(code__ne=PLATFORM_TENANT).order_by("code"))

    def work() -> None:
        for tenant in tenants:
            emit(events.TENANT_CREATED, {"tenant": tenant.code, "name": tenant.name, "kind": tenant.kind},
                 tenant=PLATFORM_TENANT)
            if not tenant.is_active:
                emit(events.TENANT_SUSPENDED, {"tenant": tenant.code, "reason": tenant.suspension_reason},
                     tenant=PLATFORM_TENANT)

    db.transaction(work)
    print(f"published {len(tenants)} tenant(s): {', '.join(tenant.code for tenant in tenants) or '-'}")
    return 0


PUBLISH_BATCH = 500  # people per transaction: one outbox write each, a transaction of bounded size


def publish_people(settings, args: argparse.Namespace) -> int:
    """Every person as the gateway now knows them (`identity.user.updated`, deactivated ones included), so that a
    read model of people begun after they were added, such as the notification service's, is complete. Each
    consumer keeps the last description of a person, so running it again changes nothing."""
    ids = list(system("every tenant's people are published").records(User).order_by("tenant", "email").scalar("id"))
    for start in range(0, len(ids), PUBLISH_BATCH):
        batch = ids[start:start + PUBLISH_BATCH]

        def work(batch=batch) -> None:
            for user in system("every tenant's people are published").records(User).filter(id__in=batch).order_by(
                    "tenant", "email"):
                emit(events.USER_UPDATED, events.person_data(user), tenant=PLATFORM_TENANT)

        db.transaction(work)
    print(f"published {len(ids)} person(s)")
    return 0


COMMANDS = {
    "verify-audit-log": verify_audit_log,
    "bootstrap": bootstrap,
    "rotate-signing-key": rotate_signing_key,
    "retire-signing-keys": retire_signing_keys,
    "publish-tenants": publish_tenants,
    "publish-people": publish_people,
}
