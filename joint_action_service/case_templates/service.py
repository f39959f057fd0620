"""Case templates: the preset tasks a new case starts with. A tenant may replace the built-in template of a
case type with its own; cases take the template of their lead tenant."""

from __future__ import annotations

import dataclasses

from chassis import db
from chassis.clock import now
from joint_action_service.case_templates.models import CaseTemplate, PresetTask


def _preset(title: str, due_in_days: int, mandatory: bool = True) -> PresetTask:
    return PresetTask(title=title, mandatory=mandatory, due_in_days=due_in_days)


DEFAULT_TASKS: dict[str, list[PresetTask]] = {
    "trafficking_in_persons": [
        _preset("Identify presumed victims and refer them to protection services", 7),
        _preset("Assess risks to victims and witnesses", 7),
        _preset("Preserve digital and documentary evidence", 14),
        _preset("Trace the network's financial flows", 30, mandatory=False),
    ],
    "people_smuggling": [
        _preset("Establish the smuggling route and its facilitators", 14),
        _preset("Screen smuggled migrants for protection needs", 7),
        _preset("Request passenger and travel records", 14, mandatory=False),
    ],
    "illegal_recruitment": [
        _preset("Verify the recruitment agency's licence and contracts", 7),
        _preset("Interview recruited workers", 14),
    ],
    "document_fraud": [
        _preset("Have the seized documents examined forensically", 14),
        _preset("Notify the issuing authorities", 7),
    ],
    "money_laundering": [
        _preset("Request financial intelligence unit reports", 14),
        _preset("Identify assets to freeze or confiscate", 30),
    ],
}


@dataclasses.dataclass(frozen=True)
class EffectiveTemplate:
    case_type: str
    tasks: list[PresetTask]
    source: str  # tenant | default


def effective_templates() -> list[EffectiveTemplate]:
    """Every case type's template for the current tenant."""
    own = {template.case_type: template for template in CaseTemplate.objects}
    return [EffectiveTemplate(case_type, own[case_type].tasks, "tenant") if case_type in own
            else EffectiveTemplate(case_type, DEFAULT_TASKS[case_type], "default")
            for case_type in DEFAULT_TASKS]


def effective_template(case_type: str) -> EffectiveTemplate:
    return next(template for template in effective_templates() if template.case_type == case_type)


def replace_template(case_type: str, tasks: list[dict], actor: str) -> EffectiveTemplate:
    def work() -> None:
        CaseTemplate.objects(case_type=case_type).update_one(
            upsert=True, set__tasks=[PresetTask(**task) for task in tasks], set__updated_by=actor,
            set__updated_at=now())

    db.transaction(work)
    return effective_template(case_type)


def restore_default(case_type: str) -> EffectiveTemplate:
    db.transaction(lambda: CaseTemplate.objects(case_type=case_type).delete())
    return effective_template(case_type)
