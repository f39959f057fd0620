from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import require
from joint_action_service.common import ReleaseIn
from joint_action_service.items import service
from joint_action_service.items.schemas import ItemIn, ItemOut, ItemQuery, ItemSearchQuery
from joint_action_service.visibility import Viewer
from joint_action_service.vocabulary import CASE_READERS, CASE_WORKERS

blp = Blueprint("items", __name__, description="The intelligence log: graded information items, released per tenant")


@blp.route("/cases/<case_id>/items")
class Items(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(ItemIn)
    @blp.response(201, ItemOut)
    def post(self, data, case_id):
        """Log an information item (lead or contributing tenant), released to the named participants."""
        return service.add_item(Viewer.current(), case_id, data)

    @require(roles=CASE_READERS)
    @blp.arguments(ItemQuery, location="query")
    @blp.response(200, ItemOut(many=True))
    @blp.paginate()
    def get(self, query, case_id, pagination_parameters):
        """The case's items released to the caller's tenant (the total counts only those)."""
        return service.list_items(Viewer.current(), case_id, query, pagination_parameters)


@blp.route("/cases/<case_id>/items/<item_id>")
class ItemById(MethodView):
    @require(roles=CASE_READERS)
    @blp.response(200, ItemOut)
    def get(self, case_id, item_id):
        return service.get_item(Viewer.current(), case_id, item_id)


@blp.route("/cases/<case_id>/items/<item_id>/releases")
class ItemReleases(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(ReleaseIn)
    @blp.response(200, ItemOut)
    def post(self, data, case_id, item_id):
        """Release the item to more participants (its originator; for a releasable item also the lead)."""
        return service.release_item(Viewer.current(), case_id, item_id, data["tenants"])


@blp.route("/items")
class ItemSearch(MethodView):
    @require(roles=CASE_READERS)
    @blp.arguments(ItemSearchQuery, location="query")
    @blp.response(200, ItemOut(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Search the items released to the caller's tenant across the cases it sees."""
        return service.search_items(Viewer.current(), query, pagination_parameters)
