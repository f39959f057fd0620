"""What a caller's tenant may see: the one place that decides it, for JPAs, cases, information items, persons,
the records of a case, and the access log.

Joint-action data is shared across tenants by participation, so reads cross tenants on purpose
(`across_tenants`). Every endpoint, count, search, dashboard and export takes its records from the querysets
built here, so a total or an export can never include a record that a listing would hide:

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

import dataclasses
from collections.abc import Sequence

from mongoengine.queryset.visitor import Q

from chassis.auth import Principal, current_principal
from chassis.problems import Conflict, Forbidden
from chassis.tenant_status import is_suspended
from chassis.vocabulary import PLATFORM_TENANT
from joint_action_service.access_log.models import AccessLogEntry
from joint_action_service.cases.models import Case
from joint_action_service.common import first_or_404
from joint_action_service.items.models import InformationItem
from joint_action_service.jpas.models import Jpa
from joint_action_service.persons.models import VICTIM, Person
from joint_action_service.vocabulary import LEAD_ONLY, ORIGINATOR_APPROVAL, RELEASABLE

JPA_PARTICIPATION = "a JPA is visible to its participating tenants"
CASE_PARTICIPATION = "a case is visible to its lead and the participants it is shared with"
RELEASE = "an item or person is visible to the participants it is released to"
CASE_RECORDS = "records of a case are visible to the participants of the case"
ACCESS_LOG = "the access log of a case is for its lead tenant's auditors and the platform's"


@dataclasses.dataclass(frozen=True)
class Viewer:
    tenant: str
    sub: str
    roles: frozenset[str]
    principal: Principal

    @classmethod
    def current(cls) -> Viewer:
        """The caller; a tenant the gateway suspended sees nothing here."""
        principal = current_principal()
        if is_suspended(principal.tenant):
            raise Forbidden(f"Tenant {principal.tenant} is suspended")
        return cls(principal.tenant, principal.sub, principal.roles, principal)

    # --- JPAs -------------------------------------------------------------------------------------------
    def jpas(self):
        return Jpa.across_tenants(JPA_PARTICIPATION).filter(participating_tenants=self.tenant)

    def jpa(self, jpa_id: str) -> Jpa:
        return first_or_404(self.jpas(), "JPA", jpa_id)

    # --- cases ------------------------------------------------------------------------------------------
    def cases(self):
        shared_with_me = Q(shares__tenant=self.tenant) & Q(handling_code__ne=LEAD_ONLY) & self._participating()
        return Case.across_tenants(CASE_PARTICIPATION).filter(Q(tenant=self.tenant) | shared_with_me)

    def _participating(self) -> Q:
        """Cases outside any JPA, and cases of the JPAs this viewer participates in: a share reaches a tenant
        only while it takes part in the case's JPA, so leaving a JPA ends its access to the JPA's cases."""
        return Q(jpa_id=None) | Q(jpa_id__in=list(self.jpas().scalar("id")))

    def case(self, case_id: str) -> Case:
        return first_or_404(self.cases(), "case", case_id)

    def leads(self, case: Case) -> bool:
        return case.tenant == self.tenant

    def may_contribute(self, case: Case) -> bool:
        share = case.share_of(self.tenant)
        return self.leads(case) or (share is not None and share.permission == "contribute")

    def workable_case(self, case_id: str, *, lead: bool = False) -> Case:
        """A case this viewer sees, still open, that its tenant may contribute to (or leads, with `lead`)."""
        case = self.case(case_id)
        if lead and not self.leads(case):
            raise Forbidden("Only the case's lead tenant may do this")
        if not self.may_contribute(case):
            raise Forbidden("The case is shared with your tenant for reading only")
        if case.is_closed:
            raise Conflict("The case is closed", current_state=case.status)
        return case

    def case_records(self, model, cases: Sequence[Case]):
        """Tasks, outcomes, extraditions, expert requests, deployments of cases this viewer sees."""
        return model.across_tenants(CASE_RECORDS).filter(case_id__in=[case.id for case in cases])

    # --- items and persons under handling codes ---------------------------------------------------------
    def released(self, cases: Sequence[Case]) -> Q:
        """Items or persons of `cases` (which this viewer sees) released to this viewer."""
        led = [case.id for case in cases if self.leads(case)]
        return Q(case_id__in=[case.id for case in cases]) & (
            Q(tenant=self.tenant)
            | Q(handling_code=RELEASABLE, released_to__size=0)
            | Q(handling_code__in=[RELEASABLE, ORIGINATOR_APPROVAL], released_to=self.tenant)
            | Q(handling_code=LEAD_ONLY, case_id__in=led)
        )

    def items(self, cases: Sequence[Case]):
        return InformationItem.across_tenants(RELEASE).filter(self.released(cases))

    def item(self, case: Case, item_id: str) -> InformationItem:
        return first_or_404(self.items([case]), "information item", item_id)

    def persons(self, cases: Sequence[Case]):
        """Person records released to this viewer, victims included whatever their identity visibility."""
        return Person.across_tenants(RELEASE).filter(self.released(cases))

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

    def access_log_chains(self):
        """Every entry of the chains this viewer may verify: all of them for a platform auditor, else the chains of
        the cases its tenant leads. Only their position and hashes may leave for entries outside `access_log()`."""
        entries = AccessLogEntry.objects
        if self._audits_the_platform():
            return entries
        led = Case.across_tenants(ACCESS_LOG).filter(tenant=self.tenant).scalar("id")
        return entries.filter(chain__in=[str(case_id) for case_id in led])

    def access_log(self):
        """The entries this viewer may read whole."""
        entries = AccessLogEntry.objects
        if self._audits_the_platform():
            return entries
        led = list(Case.across_tenants(ACCESS_LOG).filter(tenant=self.tenant))
        items = [str(item_id) for item_id in self.items(led).scalar("id")]
        persons = [str(person_id) for person_id in self.identifiable_persons(led).scalar("id")]
        return entries.filter(
            Q(case_id__in=[str(case.id) for case in led])
            & (Q(record_type="case") | Q(record_type="item", record_id__in=items)
               | Q(record_type="person", record_id__in=persons)))
