"""HTTP endpoints of certificates, and the public verification (no login)."""

from __future__ import annotations

from flask import Response, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from chassis.paging import QueryPage
from training_service.certificates import printable, service
from training_service.certificates.schemas import (
    CertificateOut,
    CertificateQuery,
    PublicCertificateOut,
    RevokeIn,
)
from training_service.vocabulary import COORDINATORS

blueprint = Blueprint("certificates", __name__, description="Certificates: holders, issuers, revocation")
public = Blueprint("public", __name__, url_prefix="/public",
                   description="Public certificate verification: no login; reveals name, course, dates and status")


@blueprint.route("/me/certificates")
class MyCertificates(MethodView):
    @require()
    @blueprint.response(200, CertificateOut(many=True))
    @blueprint.paginate(QueryPage, page_size=100)
    def get(self):
        """The caller's own certificates."""
        return service.my_certificates(current_principal())


@blueprint.route("/certificates")
class TenantCertificates(MethodView):
    @require(roles=COORDINATORS)
    @blueprint.arguments(CertificateQuery, location="query")
    @blueprint.response(200, CertificateOut(many=True))
    @blueprint.paginate(QueryPage, page_size=100)
    def get(self, query):
        """Certificates held by this tenant's people, or (`scope=issued`) issued by this tenant."""
        return service.tenant_certificates(current_principal(), query["scope"], query.get("status"))


@blueprint.route("/certificates/<certificate_id>")
class CertificateById(MethodView):
    @require()
    @blueprint.response(200, CertificateOut)
    def get(self, certificate_id):
        return service.find_certificate(certificate_id, current_principal())


@blueprint.route("/certificates/<certificate_id>/revoke")
class Revoke(MethodView):
    @require(roles=COORDINATORS)
    @blueprint.arguments(RevokeIn)
    @blueprint.response(200, CertificateOut)
    @blueprint.alt_response(409, description="Already revoked")
    def post(self, data, certificate_id):
        """Revoke, with a reason (the issuing tenant only)."""
        return service.revoke(certificate_id, data["reason"], current_principal())


@public.route("/certificates/<code>")
class Verify(MethodView):
    @public.response(200, PublicCertificateOut)
    def get(self, code):
        """Check a certificate by its verification code: valid, expired or revoked."""
        return service.verify(code)


@public.route("/certificates/<code>/printable")
class Printable(MethodView):
    @public.response(200, description="The certificate as a printable HTML page",
                     content_type="text/html")
    def get(self, code):
        """The certificate to print, with its verification code and link."""
        certificate = service.verify(code)
        verify_url = url_for("public.Verify", code=code, _external=True)
        return Response(printable.render(certificate, verify_url), mimetype="text/html")
