from __future__ import annotations

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from chassis.paging import page
from roster_service.access import NOMINATOR_ROLES
from roster_service.deployments.schemas import DeploymentOut
from roster_service.experts import service
from roster_service.experts.schemas import (
    CertificationOut,
    CommentIn,
    ExpertContactCard,
    ExpertIn,
    ExpertListQuery,
    ExpertPatch,
    ExpertProfile,
    ExpertSummary,
    ExternalCertificationIn,
    PeriodIn,
    PeriodOut,
    ProfileEditOut,
    RevocationIn,
    StepIn,
)

blp = Blueprint("experts", __name__, url_prefix="/experts",
                description="Expert profiles, owned by the tenant that nominated them")

VIEW_SCHEMAS = {service.PROFILE: ExpertProfile, service.CONTACT: ExpertContactCard, service.SUMMARY: ExpertSummary}


@blp.route("")
class Experts(MethodView):
    @require()
    @blp.arguments(ExpertListQuery, location="query")
    @blp.response(200, ExpertProfile(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """Your tenant's experts (the RSO's roster office, auditors and platform admins: every tenant's)."""
        return page(service.list_experts(current_principal(), **filters), pagination_parameters)

    @require(roles=sorted(NOMINATOR_ROLES))
    @blp.arguments(ExpertIn)
    @blp.response(201, ExpertProfile)
    def post(self, data):
        """Nominate an expert of your tenant (roster manager or tenant admin); status `nominated`."""
        return service.register_expert(current_principal(), data)


@blp.route("/me")
class MyProfiles(MethodView):
    @require(roles=["expert"])
    @blp.response(200, ExpertProfile(many=True))
    def get(self):
        """Your own roster profiles, matched by your user id (or e-mail within your tenant)."""
        return service.my_profiles(current_principal())


@blp.route("/<expert_id>")
class ExpertById(MethodView):
    @require()
    @blp.response(200, ExpertProfile, description="The profile, the contact card or the summary, by caller")
    def get(self, expert_id):
        """An expert, shown as far as you may see it (see the service README)."""
        expert, view = service.visible_expert(current_principal(), expert_id)
        return jsonify(VIEW_SCHEMAS[view]().dump(expert))

    @require()
    @blp.arguments(ExpertPatch)
    @blp.response(200, ExpertProfile)
    def patch(self, changes, expert_id):
        """Update the profile, each field by whom it belongs to: name, phone, languages and functions (the
        nominating tenant or the expert), e-mail, nationality and clearance (the nominating tenant), the link to
        the person's account `user_id` (the roster office). Functions added to a vetted profile await the roster
        office's vetting."""
        return service.update_expert(current_principal(), expert_id, changes)


@blp.route("/<expert_id>/transitions")
class ExpertSteps(MethodView):
    @require()
    @blp.arguments(StepIn)
    @blp.response(200, ExpertProfile)
    def post(self, step, expert_id):
        """Move the expert: vet or suspend (roster office), activate or deactivate (expert side)."""
        return service.transition_expert(current_principal(), expert_id, step["to"], step["comment"])


@blp.route("/<expert_id>/certifications")
class Certifications(MethodView):
    @require()
    @blp.arguments(ExternalCertificationIn)
    @blp.response(201, CertificationOut)
    def post(self, data, expert_id):
        """Record an external certificate with its evidence; it counts once the roster office verifies it."""
        return service.add_external_certification(current_principal(), expert_id, data)


@blp.route("/<expert_id>/certifications/<certificate_id>/verification")
class CertificationVerification(MethodView):
    @require(roles=["roster_manager"])
    @blp.response(200, CertificationOut)
    def post(self, expert_id, certificate_id):
        """The roster office checked the evidence of an external certificate."""
        return service.verify_certification(current_principal(), expert_id, certificate_id)

    @require(roles=["roster_manager"])
    @blp.response(200, CertificationOut)
    def delete(self, expert_id, certificate_id):
        """The roster office takes its verification back: the certificate stops counting towards readiness."""
        return service.unverify_certification(current_principal(), expert_id, certificate_id)


@blp.route("/<expert_id>/certifications/<certificate_id>/revocation")
class CertificationRevocation(MethodView):
    @require(roles=["roster_manager"])
    @blp.arguments(RevocationIn)
    @blp.response(200, CertificationOut)
    def post(self, data, expert_id, certificate_id):
        """The roster office revokes an external certificate for good: it never counts again."""
        return service.revoke_certification(current_principal(), expert_id, certificate_id, data["reason"])


@blp.route("/<expert_id>/functions/<code>/vetting")
class FunctionVetting(MethodView):
    @require(roles=["roster_manager"])
    @blp.arguments(CommentIn)
    @blp.response(200, ExpertProfile)
    def post(self, data, expert_id, code):
        """The roster office vets a function added after the profile was vetted: it then counts for readiness
        and search."""
        return service.vet_function(current_principal(), expert_id, code, data["comment"])


@blp.route("/<expert_id>/edits")
class EditHistory(MethodView):
    @require()
    @blp.response(200, ProfileEditOut(many=True))
    @blp.paginate()
    def get(self, expert_id, pagination_parameters):
        """Who changed what on the profile and when, newest first (whoever sees the whole profile).
        Lifecycle steps are in the profile's `history`."""
        return page(service.edit_history(current_principal(), expert_id), pagination_parameters)


@blp.route("/<expert_id>/unavailability")
class Unavailability(MethodView):
    @require()
    @blp.arguments(PeriodIn)
    @blp.response(201, PeriodOut)
    def post(self, data, expert_id):
        """Days the expert cannot deploy (no end date: until further notice)."""
        return service.add_unavailability(current_principal(), expert_id, data)


@blp.route("/<expert_id>/unavailability/<period_id>")
class UnavailabilityPeriod(MethodView):
    @require()
    @blp.response(204)
    def delete(self, expert_id, period_id):
        service.remove_unavailability(current_principal(), expert_id, period_id)


@blp.route("/<expert_id>/consent-withdrawal")
class ConsentWithdrawal(MethodView):
    @require()
    @blp.arguments(CommentIn)
    @blp.response(200, ExpertProfile)
    def post(self, data, expert_id):
        """Withdraw consent to data processing: the profile is anonymised and open offers end."""
        return service.withdraw_consent(current_principal(), expert_id, data["comment"])


@blp.route("/<expert_id>/deployments")
class DeploymentHistory(MethodView):
    @require()
    @blp.response(200, DeploymentOut(many=True))
    @blp.paginate()
    def get(self, expert_id, pagination_parameters):
        """The expert's deployments with their evaluations (nominating tenant, the expert, RSO)."""
        return page(service.deployment_history(current_principal(), expert_id), pagination_parameters)
