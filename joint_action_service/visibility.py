"""What a caller's tenant may see: the one place that decides it, for JPAs, cases, information items, persons,
the records of a case, and the access log.

Joint-action data is shared across tenants by participation, so reads cross tenants on purpose. The rules are
declared here on the service's `chassis.access` policy (ADR 0100, generalising ADR 0030), and `Viewer` names the
querysets every endpoint, count, search, dashboard and export takes its records from, so a total or an export can
never include a record that a listing would hide:

- a JPA: its participating tenants (coordinators always participate);
- a case: its lead tenant and the tenants it is shared with (a lead-only case is never shared), a case of a JPA
  only while they participate in the JPA;
- tasks, outcomes, extraditions, expert requests, deployments: whoever sees their case;
- an information item or a person (under a handling code): its originator; the tenants it is released to
  (`releasable_to_participants` with no list: every participant); a `lead_only` record also the lead;
- a victim's identity: the lead, the record's originator and the tenants the victim's consent covers;
  everyone else who sees the case gets anonymised counts only;
- the access log: a platform auditor all of it; the lead tenant the entries of its cases about records it sees,
  and of the others only their place in the chain and their hashes (to verify the chain).
"""

from __future__ import annotations

from collections.abc import Sequence

from mongoengine.queryset.visitor import Q

from chassis import access
from chassis.access import NOTHING, Policy
from chassis.auth import current_principal
from chassis.problems import Conflict, Forbidden
from chassis.tenant_status import is_suspended
from chassis.vocabulary import PLATFORM_TENANT
from joint_action_service.access_log.models import AccessLogEntry
from joint_action_service.cases.models import Case
from joint_action_service.common import first_or_404
from joint_action_service.expert_support.models import CaseDeployment, ExpertRequest
from joint_action_service.items.models import InformationItem
from joint_action_service.jpas.models import Jpa
from joint_action_service.outcomes.models import Extradition, Outcome
from joint_action_service.persons.models import VICTIM, Person
from joint_action_service.tasks.models import Task
from joint_action_service.vocabulary import LEAD_ONLY, ORIGINATOR_APPROVAL, RELEASABLE

policy = Policy("joint_action")

LEAD = "lead"
CONTRIBUTOR = "contributor"
READER = "reader"


def _jpa_seen(viewer: Viewer, *, of_case: Case | None = None) -> Q:
    """A JPA: its participating tenants. With `of_case` (a case the viewer leads), that case's JPA."""
    if of_case is not None:
        return Q(id=of_case.jpa_id) if of_case.jpa_id and of_case.tenant == viewer.tenant else NOTHING
    return Q(participating_tenants=viewer.tenant)


def _case_seen(viewer: Viewer) -> Q:
    """A case: its lead, and the tenants it is shared with (never a lead-only case) while they take part in its
    JPA: leaving a JPA ends a tenant's access to the JPA's cases."""
    participating = Q(jpa_id=None) | Q(jpa_id__in=list(viewer.jpas().scalar("id")))
    shared_with_me = Q(shares__tenant=viewer.tenant) & Q(handling_code__ne=LEAD_ONLY) & participating
    return Q(tenant=viewer.tenant) | shared_with_me


def _of_cases(viewer: Viewer, *, cases: Sequence[Case]) -> Q:
    """Records of `cases` (which the viewer sees)."""
    return Q(case_id__in=[case.id for case in cases])


def _released(viewer: Viewer, *, cases: Sequence[Case]) -> Q:
    """Items or persons of `cases` (which the viewer sees) released to the viewer: its own, those releasable to
    every participant or listing it, and lead-only ones of the cases it leads."""
    led = [case.id for case in cases if viewer.leads(case)]
    return Q(case_id__in=[case.id for case in cases]) & (
        Q(tenant=viewer.tenant)
        | Q(handling_code=RELEASABLE, released_to__size=0)
        | Q(handling_code__in=[RELEASABLE, ORIGINATOR_APPROVAL], released_to=viewer.tenant)
        | Q(handling_code=LEAD_ONLY, case_id__in=led)
    )


def _share_permission(viewer: Viewer, case: Case) -> str | None:
    share = case.share_of(viewer.tenant)
    return share.permission if share is not None else None


policy.resource(Jpa, name="JPA", see=_jpa_seen)
policy.resource(
    Case, name="case", see=_case_seen,
    capacities={
        LEAD: lambda viewer, case: case.tenant == viewer.tenant,
        CONTRIBUTOR: lambda viewer, case: _share_permission(viewer, case) == "contribute",
        READER: lambda viewer, case: _share_permission(viewer, case) is not None,
    },
    actions={"contribute": {LEAD, CONTRIBUTOR}, "lead": {LEAD}})
for _model, _name in ((Task, "task"), (Outcome, "outcome"), (Extradition, "extradition"),
                      (ExpertRequest, "expert request"), (CaseDeployment, "deployment")):
    policy.resource(_model, name=_name, see=_of_cases)
policy.resource(InformationItem, name="information item", see=_released)
policy.resource(Person, name="person", see=_released)


class Viewer(access.Viewer):
    """The caller under the joint-action policy, with the querysets the service's endpoints start from."""

    @classmethod
    def current(cls) -> Viewer:
        """The caller; a tenant the gateway suspended sees nothing here."""
        principal = current_principal()
        if is_suspended(principal.tenant):
            raise Forbidden(f"Tenant {principal.tenant} is suspended")
        return cls(policy, principal)

    # --- JPAs -------------------------------------------------------------------------------------------
    def jpas(self):
        return self.sees(Jpa)

    def jpa(self, jpa_id: str) -> Jpa:
        return first_or_404(self.jpas(), "JPA", jpa_id)

    def jpa_of(self, case: Case) -> Jpa | None:
        """The JPA of a case this viewer leads (whether or not it sees the JPA otherwise)."""
        return self.sees(Jpa, of_case=case).first()

    # --- cases ------------------------------------------------------------------------------------------
    def cases(self):
        return self.sees(Case)

    def case(self, case_id: str) -> Case:
        return first_or_404(self.cases(), "case", case_id)

    def leads(self, case: Case) -> bool:
        return case.tenant == self.tenant

    def may_contribute(self, case: Case) -> bool:
        return self.may("contribute", case)

    def workable_case(self, case_id: str, *, lead: bool = False) -> Case:
        """A case this viewer sees, still open, that its tenant may contribute to (or leads, with `lead`)."""
        case = self.case(case_id)
        if lead and not self.may("lead", case):
            raise Forbidden("Only the case's lead tenant may do this")
        if not self.may_contribute(case):
            raise Forbidden("The case is shared with your tenant for reading only")
        if case.is_closed:
            raise Conflict("The case is closed", current_state=case.status)
        return case

    def case_records(self, model, cases: Sequence[Case]):
        """Tasks, outcomes, extraditions, expert requests, deployments of cases this viewer sees."""
        return self.sees(model, cases=cases)

    # --- items and persons under handling codes ---------------------------------------------------------
    def items(self, cases: Sequence[Case]):
        return self.sees(InformationItem, cases=cases)

    def item(self, case: Case, item_id: str) -> InformationItem:
        return first_or_404(self.items([case]), "information item", item_id)

    def persons(self, cases: Sequence[Case]):
        """Person records released to this viewer, victims included whatever their identity visibility."""
        return self.sees(Person, cases=cases)

    def identified(self, cases: Sequence[Case]) -> Q:
        """Persons whose identity this viewer sees: every suspect; a victim for the lead, the record's
        originator and the tenants the victim's consent covers."""
        led = [case.id for case in cases if self.leads(case)]
        return (Q(kind__ne=VICTIM) | Q(case_id__in=led) | Q(tenant=self.tenant)
                | Q(consent__scope=self.tenant))

    def identifiable_persons(self, cases: Sequence[Case]):
        return self.persons(cases).filter(self.identified(cases))

    def anonymous_victims(self, cases: Sequence[Case]):
        """Victims this viewer may count but not identify."""
        return self.persons(cases).filter(kind=VICTIM).filter(
            Q(case_id__nin=[case.id for case in cases if self.leads(case)])
            & Q(tenant__ne=self.tenant) & Q(consent__scope__ne=self.tenant))

    def person(self, case: Case, person_id: str) -> Person:
        return first_or_404(self.identifiable_persons([case]), "person", person_id)

    # --- access log -------------------------------------------------------------------------------------
    def _audits_the_platform(self) -> bool:
        return self.tenant == PLATFORM_TENANT and "auditor" in self.roles

    def _led_cases(self):
        return self.cases().filter(tenant=self.tenant)

    def access_log_chains(self):
        """Every entry of the chains this viewer may verify: all of them for a platform auditor, else the chains of
        the cases its tenant leads. Only their position and hashes may leave for entries outside `access_log()`."""
        entries = AccessLogEntry.objects
        if self._audits_the_platform():
            return entries
        return entries.filter(chain__in=[str(case_id) for case_id in self._led_cases().scalar("id")])

    def access_log(self):
        """The entries this viewer may read whole."""
        entries = AccessLogEntry.objects
        if self._audits_the_platform():
            return entries
        led = list(self._led_cases())
        items = [str(item_id) for item_id in self.items(led).scalar("id")]
        persons = [str(person_id) for person_id in self.identifiable_persons(led).scalar("id")]
        return entries.filter(
            Q(case_id__in=[str(case.id) for case in led])
            & (Q(record_type="case") | Q(record_type="item", record_id__in=items)
               | Q(record_type="person", record_id__in=persons)))
