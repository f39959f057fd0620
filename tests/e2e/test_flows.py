"""The platform as its users meet it: every process running, real tokens, everything through the gateway."""

from __future__ import annotations

import time

import pytest

from infra.platform import Directory

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def directory(platform):
    return Directory(platform)


def test_a_suspended_tenant_is_stopped_at_the_gateway(platform, directory):
    directory.tenant("MYS")
    directory.person("MYS", "officer@imi.gov.my", "requesting_officer")
    officer = directory.signed_in("officer@imi.gov.my")
    system = directory.machine("MYS", "mys-case-system", "requesting_officer")
    for api in (officer, system):
        assert api.call("GET", "/api/roster/functions").status_code != 401

    directory.admin.post("/admin/tenants/MYS/suspend", json={"reason": "membership under review"})
    time.sleep(1.0)

    for api in (officer, system):
        assert api.call("GET", "/api/roster/functions").status_code == 401
    with pytest.raises(PermissionError):
        directory.signed_in("officer@imi.gov.my")
