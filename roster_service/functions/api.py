from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from roster_service.functions import service
from roster_service.functions.schemas import FunctionIn, FunctionOut, FunctionPatch, SopIn, SopOut

blp = Blueprint("functions", __name__, url_prefix="/functions",
                description="The function catalogue: expertise areas, their SOPs and qualifying courses")


@blp.route("")
class Functions(MethodView):
    @require()
    @blp.response(200, FunctionOut(many=True))
    def get(self):
        """Every function of the catalogue, with its SOP in effect today."""
        return service.list_functions()

    @require(roles=sorted(service.CATALOGUE_MANAGER_ROLES))
    @blp.arguments(FunctionIn)
    @blp.response(201, FunctionOut)
    def post(self, data):
        """Add a function (roster office)."""
        return service.create_function(current_principal(), data)


@blp.route("/<code>")
class FunctionByCode(MethodView):
    @require()
    @blp.response(200, FunctionOut)
    def get(self, code):
        return service.get_function(code)

    @require(roles=sorted(service.CATALOGUE_MANAGER_ROLES))
    @blp.arguments(FunctionPatch)
    @blp.response(200, FunctionOut)
    def patch(self, changes, code):
        """Rename a function or change the courses whose certificates qualify for it (roster office)."""
        return service.update_function(current_principal(), code, changes)


@blp.route("/<code>/sops")
class Sops(MethodView):
    @require(roles=sorted(service.CATALOGUE_MANAGER_ROLES))
    @blp.arguments(SopIn)
    @blp.response(201, SopOut)
    def post(self, data, code):
        """Publish the next version of the function's SOP (roster office)."""
        return service.publish_sop(current_principal(), code, data)


@blp.route("/<code>/sops/<int:version>")
class SopByVersion(MethodView):
    @require()
    @blp.response(200, SopOut)
    def get(self, code, version):
        return service.get_sop(code, version)
