from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from chassis.paging import page
from roster_service.deployments import service
from roster_service.deployments.schemas import (
    DeploymentListQuery,
    DeploymentOut,
    DeploymentStepIn,
    OfferIn,
    RequestIn,
    RequestListQuery,
    RequestOut,
    RequestPatch,
)
from roster_service.experts.schemas import StepIn
from roster_service.search.schemas import MatchOut
from roster_service.search.service import search

requests_blp = Blueprint("requests", __name__, url_prefix="/requests",
                         description="Deployment requests from member states, and the offers made for them")
deployments_blp = Blueprint("deployments", __name__, url_prefix="/deployments",
                            description="One offered expert for one request, from offer to completion")


def shown(principal, deployment):
    """The deployment as the caller may see it: no contact details before acceptance for the requester."""
    if not service.contact_visible(principal, deployment):
        deployment.expert.full_name = deployment.expert.email = deployment.expert.phone = None
    return deployment


@requests_blp.route("")
class Requests(MethodView):
    @require()
    @requests_blp.arguments(RequestListQuery, location="query")
    @requests_blp.response(200, RequestOut(many=True))
    @requests_blp.paginate()
    def get(self, filters, pagination_parameters):
        """Your tenant's requests (the RSO's roster office: every tenant's), newest first."""
        return page(service.list_requests(current_principal(), **filters), pagination_parameters)

    @require(roles=["requesting_officer"])
    @requests_blp.arguments(RequestIn)
    @requests_blp.response(201, RequestOut)
    def post(self, data):
        """Draft a request for experts (requesting officer); submit it with a `submitted` step."""
        return service.create_request(current_principal(), data)


@requests_blp.route("/<request_id>")
class RequestById(MethodView):
    @require()
    @requests_blp.response(200, RequestOut)
    def get(self, request_id):
        return service.find_request(current_principal(), request_id)

    @require(roles=["requesting_officer"])
    @requests_blp.arguments(RequestPatch)
    @requests_blp.response(200, RequestOut)
    def patch(self, changes, request_id):
        """Edit a draft."""
        return service.update_request(current_principal(), request_id, changes)


@requests_blp.route("/<request_id>/transitions")
class RequestSteps(MethodView):
    @require()
    @requests_blp.arguments(StepIn)
    @requests_blp.response(200, RequestOut)
    def post(self, step, request_id):
        """Submit or withdraw (requesting officer); start review, reject (roster office); cancel (either).

        Offered, accepted, deployed and completed follow from the request's deployments.
        """
        return service.transition_request(current_principal(), request_id, step["to"], step["comment"])


@requests_blp.route("/<request_id>/candidates")
class Candidates(MethodView):
    @require()
    @requests_blp.response(200, MatchOut(many=True))
    @requests_blp.paginate()
    def get(self, request_id, pagination_parameters):
        """Experts matching the request, best first (summaries, as in search)."""
        request = service.find_request(current_principal(), request_id)
        return page(search(service.criteria_of(request)), pagination_parameters)


@requests_blp.route("/<request_id>/offers")
class Offers(MethodView):
    @require(roles=["roster_manager"])
    @requests_blp.arguments(OfferIn)
    @requests_blp.response(201, DeploymentOut)
    def post(self, offer, request_id):
        """Offer an expert who matches the request (roster office): creates an `offered` deployment."""
        principal = current_principal()
        return shown(principal, service.make_offer(principal, request_id, offer["expert_id"], offer["comment"]))


@deployments_blp.route("")
class Deployments(MethodView):
    @require()
    @deployments_blp.arguments(DeploymentListQuery, location="query")
    @deployments_blp.response(200, DeploymentOut(many=True))
    @deployments_blp.paginate()
    def get(self, filters, pagination_parameters):
        """Deployments you take part in: as requester, as nominating tenant, or as the expert."""
        principal = current_principal()
        deployments = page(service.list_deployments(principal, **filters), pagination_parameters)
        return [shown(principal, deployment) for deployment in deployments]


@deployments_blp.route("/<deployment_id>")
class DeploymentById(MethodView):
    @require()
    @deployments_blp.response(200, DeploymentOut)
    def get(self, deployment_id):
        principal = current_principal()
        return shown(principal, service.find_deployment(principal, deployment_id))


@deployments_blp.route("/<deployment_id>/transitions")
class DeploymentSteps(MethodView):
    @require()
    @deployments_blp.arguments(DeploymentStepIn)
    @deployments_blp.response(200, DeploymentOut)
    def post(self, step, deployment_id):
        """Accept or decline an offer (the expert or the nominating tenant), deploy, complete with an
        evaluation, or cancel (roster office or requesting tenant)."""
        principal = current_principal()
        deployment = service.transition_deployment(principal, deployment_id, step["to"], comment=step["comment"],
                                                   evaluation=step["evaluation"], reason=step["reason"])
        return shown(principal, deployment)
