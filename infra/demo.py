"""Demo data for a running platform (issue #7): tenants and their people, 240 roster experts, published courses
with quizzes and sessions, and an active Joint Period of Action with cases at different milestones.

Everything goes through the gateway's public HTTP APIs, as a real client's would: the admin API with the admin
machine client, and every other step with the token of the person (or tenant system) whose job it is. Each
record has a natural key (a tenant's code, a person's or an expert's e-mail, a course's code, a module's or a
quiz's title, the JPA's name, a case's title) that is looked up before anything is created, and each record is
moved on from the state it is in towards the state the demo wants. So a second run reads and creates nothing,
and a run stopped halfway is finished by the next one. A step that fails becomes a warning; the rest goes on.

`load_demo(gateway_url, credentials)` loads it; `infra/run` calls it unless given `--no-demo` (docs/demo.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import re
import sys
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import requests

from chassis.testing import oauth
from chassis.vocabulary import FUNCTION_CODES, PLATFORM_TENANT, STANDARD_FUNCTIONS
from infra import devstack
from infra.platform import Api, Directory, try_later, wait_until_services_know

SEED = 7  # the generated experts are the same on every machine and every run
PASSWORD_KEY = devstack.DEMO_PASSWORD_KEY
ROSTER_SYSTEM_ROLES = ["roster_manager"]
RETRY_LATER_PATIENCE_SECONDS = 60  # how long one call may keep waiting out answers to try later
PAGE_SIZE = 100  # the services' largest page
TENANT_EVENTS_FIRST_WAIT_SECONDS = 15  # then the tenants are published again


# --- who is in the demo -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DemoTenant:
    code: str
    name: str
    kind: str
    domain: str
    experts: int  # how many experts it nominates
    communities: tuple[tuple[str, float], ...] = ()  # where its experts come from (community, weight)

    @property
    def country(self) -> str | None:
        """A member state's code is its ISO 3166-1 alpha-3 code: its experts' nationality."""
        return self.code if self.kind == "member_state" else None


@dataclasses.dataclass(frozen=True)
class DemoPerson:
    tenant: str
    email: str
    name: str
    roles: tuple[str, ...]


TENANTS = (
    DemoTenant("RSO", "Bali Process Regional Support Office", "platform", "rso.example.org", 0),
    DemoTenant("IOM", "International Organization for Migration", "international_organisation", "iom.example.org",
               16, (("burmese", 2), ("rohingya", 3), ("bangladeshi", 2), ("afghan", 2), ("sri_lankan", 1))),
    DemoTenant("UNHCR", "United Nations High Commissioner for Refugees", "international_organisation",
               "unhcr.example.org", 14, (("rohingya", 3), ("afghan", 3), ("burmese", 1), ("bangladeshi", 1))),
    DemoTenant("UNODC", "United Nations Office on Drugs and Crime", "international_organisation",
               "unodc.example.org", 10, (("thai", 1), ("indonesian", 1), ("filipino", 1), ("sri_lankan", 1))),
    DemoTenant("AUS", "Australia", "member_state", "aus.example.org", 40,
               (("australian", 6), ("afghan", 2), ("burmese", 1), ("sri_lankan", 1), ("filipino", 1))),
    DemoTenant("IDN", "Indonesia", "member_state", "idn.example.org", 45, (("indonesian", 1),)),
    DemoTenant("THA", "Thailand", "member_state", "tha.example.org", 45, (("thai", 6), ("burmese", 1))),
    DemoTenant("MYS", "Malaysia", "member_state", "mys.example.org", 40, (("malaysian", 1),)),
    DemoTenant("PHL", "Philippines", "member_state", "phl.example.org", 30, (("filipino", 1),)),
)
TENANT_BY_CODE = {tenant.code: tenant for tenant in TENANTS}
MEMBER_STATE_STAFF = (  # e-mail local part, roles
    ("admin", ("tenant_admin",)),
    ("requests", ("requesting_officer",)),
    ("cases", ("case_officer",)),
    ("training", ("training_coordinator",)),
)
STAFF = {  # tenant -> (e-mail local part, display name, roles); member states also have MEMBER_STATE_STAFF
    "RSO": (("roster", "Kanokwan Thepsiri", ("roster_manager",)),
            ("training", "Daniel Hartono", ("training_coordinator",)),
            ("trainer", "Mei Ling Chua", ("trainer",))),
    "IOM": (("admin", "Elena Marquez", ("tenant_admin",)),
            ("training", "Samuel Okafor", ("training_coordinator", "trainer"))),
    "UNHCR": (("admin", "Ingrid Halvorsen", ("tenant_admin",)),),
    "UNODC": (("admin", "Paolo Ferrante", ("tenant_admin",)),
              ("training", "Aiko Tanaka", ("training_coordinator", "trainer"))),
    "AUS": (("jpa", "Rebecca Moore", ("jpa_coordinator",)),),
    "IDN": (("jpa", "Bambang Setiawan", ("jpa_coordinator",)),),
}
EXPERT_LOGIN_TENANTS = ("THA", "PHL")  # the first expert these nominate can sign in (as expert@<domain>)
ROSTER_OFFICE = "roster@rso.example.org"  # the RSO's roster manager
JPA_COORDINATOR = "jpa@idn.example.org"  # plans the JPA


# --- the roster's experts, generated from a seed ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Community:
    """Where experts come from: their names, the language they grew up with, others some of them speak."""

    home: str  # ISO 3166-1 alpha-3: their nationality when an organisation nominates them
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    native: str
    other_languages: tuple[str, ...]


COMMUNITIES = {
    "indonesian": Community("IDN", ("Agus", "Budi", "Dewi", "Sri", "Rina", "Wahyu", "Fitri", "Hendra", "Putri",
                                    "Yusuf", "Indah", "Rizky"),
                            ("Santoso", "Wijaya", "Saputra", "Hidayat", "Lestari", "Nugroho", "Kusuma", "Pratama",
                             "Siregar", "Harahap"), "id", ("ms", "jv", "ar", "rhg", "prs")),
    "malaysian": Community("MYS", ("Ahmad", "Nurul", "Siti", "Hafiz", "Farah", "Aisyah", "Wei Ming", "Kavitha",
                                   "Arjun", "Zulkifli"),
                           ("Abdullah", "Ismail", "Rahman", "Tan", "Lee", "Hassan", "Othman", "Ibrahim", "Krishnan",
                            "Yusof"), "ms", ("zh", "ta", "id", "rhg", "my", "ar")),
    "thai": Community("THA", ("Somchai", "Siriporn", "Anan", "Kanya", "Niran", "Pimchanok", "Thanawat", "Ratana",
                              "Chaiwat", "Malee"),
                      ("Srisuk", "Chaiyaporn", "Wongsa", "Boonmee", "Kittisak", "Rattanakorn", "Saetang", "Phromma",
                       "Jaidee", "Thongchai"), "th", ("my", "km", "lo", "ms", "rhg")),
    "filipino": Community("PHL", ("Maria", "Jose", "Ana", "Juan", "Kristine", "Mark", "Rosario", "Paolo", "Liza",
                                  "Ramon"),
                          ("Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza", "Villanueva", "Ramos",
                           "Aquino", "Navarro"), "tl", ("ceb", "ar", "es")),
    "australian": Community("AUS", ("Olivia", "Jack", "Charlotte", "Liam", "Amelia", "Noah", "Chloe", "Thomas",
                                    "Mia", "James"),
                            ("Smith", "Nguyen", "Williams", "Brown", "Wilson", "Taylor", "Anderson", "Martin",
                             "Kelly", "Walsh"), "en", ("id", "th", "ms", "ar", "vi", "zh", "tl", "prs")),
    "burmese": Community("MMR", ("Aung", "Thida", "Kyaw", "Nilar", "Zaw", "Hnin", "Min", "Su"),
                         ("Win", "Oo", "Htun", "Myint", "Lwin", "Aye", "Naing", "Soe"), "my", ("th", "rhg", "zh")),
    "rohingya": Community("MMR", ("Mohammed", "Nur", "Abdul", "Rashida", "Hamida", "Yasmin", "Anwar", "Rahima"),
                          ("Hossain", "Alam", "Begum", "Ullah", "Kabir", "Karim"), "rhg", ("my", "bn", "ms")),
    "bangladeshi": Community("BGD", ("Rahim", "Fatema", "Arif", "Nusrat", "Tanvir", "Shirin"),
                             ("Ahmed", "Chowdhury", "Islam", "Hossain", "Akter", "Rahman"), "bn", ("rhg", "hi", "ar")),
    "afghan": Community("AFG", ("Ahmad", "Farid", "Zahra", "Mariam", "Hamid", "Sima", "Wahid", "Laila"),
                        ("Rahimi", "Karimi", "Ahmadi", "Haidari", "Sultani", "Noori"), "prs", ("ps", "fa", "ur")),
    "sri_lankan": Community("LKA", ("Nimal", "Kumari", "Ruwan", "Dilani", "Suresh", "Priya"),
                            ("Perera", "Fernando", "Silva", "Bandara", "Dissanayake", "Sivakumar"), "ta", ("si",)),
}
ISSUERS = ("IOM", "UNHCR", "UNODC", "national training academy")
EXPERIENCE_YEARS = {"junior": (1, 4), "experienced": (4, 12), "senior": (10, 30)}
CLEARANCE_WEIGHTS = {"none": 10, "restricted": 6, "confidential": 3, "secret": 1}
STATUS_WEIGHTS = {"active": 90, "vetted": 4, "nominated": 4, "inactive": 2}  # where each expert ends up


@dataclasses.dataclass(frozen=True)
class DemoExpert:
    tenant: str
    full_name: str
    email: str
    nationality: str
    clearance_level: str
    languages: tuple[tuple[str, str], ...]  # (code, level)
    functions: tuple[tuple[str, str, int], ...]  # (code, experience level, years)
    consent_given_on: dt.date
    status: str  # nominated, vetted, active or inactive
    certification: dict | None  # an external certificate, recorded at nomination
    certification_verified: bool  # whether the roster office has checked it (only then it counts)

    def nomination(self) -> dict:
        """The body of `POST /api/roster/experts`."""
        return {
            "full_name": self.full_name, "email": self.email, "nationality": self.nationality,
            "clearance_level": self.clearance_level, "consent_given_on": self.consent_given_on.isoformat(),
            "languages": [{"code": code, "level": level} for code, level in self.languages],
            "functions": [{"code": code, "experience_level": level, "years": years}
                          for code, level, years in self.functions],
            "external_certifications": [self.certification] if self.certification else [],
        }


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", ascii_text.lower()).strip(".")


def _weighted(rng: random.Random, weights: dict[str, float] | Iterable[tuple[str, float]]) -> str:
    pairs = list(weights.items() if isinstance(weights, dict) else weights)
    return rng.choices([name for name, _ in pairs], [weight for _, weight in pairs])[0]


def _languages(rng: random.Random, community: Community) -> tuple[tuple[str, str], ...]:
    spoken = {community.native: "native"}
    if community.native != "en" and rng.random() < 0.85:
        spoken["en"] = rng.choice(("intermediate", "professional", "professional"))
    others = community.other_languages
    for code in rng.sample(others, min(len(others), rng.choice((0, 1, 1, 2)))):
        spoken.setdefault(code, rng.choice(("basic", "intermediate", "professional")))
    return tuple(spoken.items())


def _functions(rng: random.Random, primary: str) -> tuple[tuple[str, str, int], ...]:
    others = rng.sample([code for code in FUNCTION_CODES if code != primary], rng.choice((0, 1, 1, 2)))
    offered = []
    for code in (primary, *others):
        level = rng.choice(tuple(EXPERIENCE_YEARS))
        offered.append((code, level, rng.randint(*EXPERIENCE_YEARS[level])))
    return tuple(offered)


def _certification(rng: random.Random, tenant: str, number: int, function: str, today: dt.date) -> dict:
    issued_on = today - dt.timedelta(days=rng.randint(30, 900))
    return {
        "title": f"{STANDARD_FUNCTIONS[function]}: practitioner certificate", "function": function,
        "issuer": rng.choice(ISSUERS), "evidence_reference": f"CERT-{tenant}-{number:04d}",
        "issued_on": issued_on.isoformat(), "expires_on": (issued_on + dt.timedelta(days=3 * 365)).isoformat(),
    }


def generate_experts(today: dt.date) -> list[DemoExpert]:
    """The demo's experts: the same list for the same day (dates are relative to it), from `SEED`.

    Their primary functions go round the 17 functions, so every function has experts."""
    rng = random.Random(SEED)
    experts = []
    for tenant in TENANTS:
        for index in range(tenant.experts):
            number = len(experts)
            community = COMMUNITIES[_weighted(rng, tenant.communities)]
            first, last = rng.choice(community.first_names), rng.choice(community.last_names)
            functions = _functions(rng, FUNCTION_CODES[number % len(FUNCTION_CODES)])
            login = index == 0 and tenant.code in EXPERT_LOGIN_TENANTS
            certified = login or rng.random() < 0.25
            experts.append(DemoExpert(
                tenant=tenant.code, full_name=f"{first} {last}",
                email=f"expert@{tenant.domain}" if login else f"{_slug(first)}.{_slug(last)}.{number:03d}@"
                                                              f"{tenant.domain}",
                nationality=tenant.country or community.home,
                clearance_level=_weighted(rng, CLEARANCE_WEIGHTS), languages=_languages(rng, community),
                functions=functions, consent_given_on=today - dt.timedelta(days=rng.randint(10, 700)),
                status="active" if login else _weighted(rng, STATUS_WEIGHTS),
                certification=_certification(rng, tenant.code, number, functions[0][0], today) if certified else None,
                certification_verified=certified and (login or rng.random() < 0.8),
            ))
    return experts


def demo_people() -> list[DemoPerson]:
    """Every person of the demo, tenant by tenant (the platform admin is `infra/run`'s own, not the demo's)."""
    expert_logins = [DemoPerson(expert.tenant, expert.email, expert.full_name, ("expert", "trainee"))
                     for expert in generate_experts(dt.date.today()) if expert.email.startswith("expert@")]
    people = []
    for tenant in TENANTS:
        if tenant.kind == "member_state":
            for (local, roles), name in zip(MEMBER_STATE_STAFF, MEMBER_STATE_NAMES[tenant.code], strict=True):
                people.append(DemoPerson(tenant.code, f"{local}@{tenant.domain}", name, roles))
        for local, name, roles in STAFF.get(tenant.code, ()):
            people.append(DemoPerson(tenant.code, f"{local}@{tenant.domain}", name, roles))
        people.extend(person for person in expert_logins if person.tenant == tenant.code)
    return people


MEMBER_STATE_NAMES = {  # admin, requesting officer, case officer, training coordinator
    "AUS": ("Sarah Mitchell", "David Chen", "Emma Robertson", "Michael O'Connor"),
    "IDN": ("Ratna Dewi", "Arif Wibowo", "Yohanes Simanjuntak", "Lestari Handayani"),
    "THA": ("Pornthip Rattanawong", "Suchart Kaewmanee", "Wichai Sombat", "Nattaya Chaiyasit"),
    "MYS": ("Nor Azizah Hamid", "Rajesh Kumar", "Mohd Faizal Ismail", "Chong Li Wen"),
    "PHL": ("Maricel Dizon", "Ronaldo Castillo", "Angelica Flores", "Jerome Lim"),
}


# --- training: courses with modules, lessons, quizzes and sessions -------------------------------------


@dataclasses.dataclass(frozen=True)
class DemoQuiz:
    title: str
    pass_mark: int
    questions: tuple[dict, ...]  # as `POST /assessments` takes them


@dataclasses.dataclass(frozen=True)
class DemoModule:
    title: str
    summary: str
    objectives: tuple[str, ...]
    functions: tuple[str, ...]
    lessons: tuple[tuple[str, str], ...]  # (title, body)
    quiz: DemoQuiz


@dataclasses.dataclass(frozen=True)
class DemoSession:
    mode: str
    title: str
    starts_in_days: int | None = None
    days: int = 1
    location: str | None = None
    capacity: int | None = None
    hosting_tenant: str | None = None


@dataclasses.dataclass(frozen=True)
class DemoCourse:
    provider: str
    author: str  # e-mail of who writes the material
    coordinator: str  # e-mail of who publishes the course and schedules its sessions
    code: str
    title: str
    summary: str
    function: str
    validity_months: int | None
    modules: tuple[DemoModule, ...]
    sessions: tuple[DemoSession, ...]


def _single(prompt: str, right: str, *wrong: str) -> dict:
    options = [{"text": right, "correct": True}, *({"text": text, "correct": False} for text in wrong)]
    return {"kind": "single_choice", "prompt": prompt, "options": sorted(options, key=lambda option: option["text"])}


def _multiple(prompt: str, right: tuple[str, ...], wrong: tuple[str, ...]) -> dict:
    options = [*({"text": text, "correct": True} for text in right),
               *({"text": text, "correct": False} for text in wrong)]
    return {"kind": "multiple_choice", "prompt": prompt, "options": sorted(options, key=lambda option: option["text"])}


def _short(prompt: str, *accepted: str) -> dict:
    return {"kind": "short_answer", "prompt": prompt, "accepted_answers": list(accepted)}


COURSES = (
    DemoCourse(
        "IOM", "training@iom.example.org", "training@iom.example.org", "VOT-101",
        "Identifying victims of trafficking",
        "Indicators of trafficking, the first interview and referral to protection, for frontline officers.",
        "victim_identification", 24,
        (DemoModule(
            "Indicators of trafficking", "What sets trafficking apart from smuggling and from labour exploitation.",
            ("Tell trafficking from smuggling", "Recognise the common indicators"), ("victim_identification",),
            (("Trafficking and smuggling", "<p>Smuggling is a crime against a state's border; trafficking is a crime "
              "against a person: recruitment, transport or harbouring by force, fraud or coercion, for exploitation."
              "</p>"),
             ("Indicators", "<ul><li>Documents held by someone else</li><li>Debt to a recruiter</li>"
              "<li>No freedom of movement</li><li>Signs of abuse or fear</li></ul>")),
            DemoQuiz("Indicators of trafficking: check", 70, (
                _single("Which crime is committed against a person rather than a border?", "Trafficking in persons",
                        "Migrant smuggling", "Irregular entry"),
                _multiple("Which of these are indicators of trafficking?",
                          ("Passport held by the employer", "Debt owed to the recruiter"),
                          ("Holding a valid work visa",)),
                _short("A child recruited for exploitation needs no proof of force, fraud or ...", "coercion"),
            ))),
         DemoModule(
            "The first interview and referral", "Talking to a presumed victim safely, and where to refer them.",
            ("Run a trauma-informed first interview", "Refer to shelter, medical and legal help"),
            ("victim_identification", "interview_techniques"),
            (("Before the interview", "<p>Separate the person from anyone who travels with them, use a vetted "
              "interpreter, and explain who you are.</p>"),
             ("Referral", "<p>Refer with consent to shelter, medical care and legal aid; a child is referred to "
              "child protection at once.</p>")),
            DemoQuiz("First interview: check", 70, (
                _single("Who should interpret at a first interview?", "A vetted interpreter",
                        "The person travelling with the victim", "Whoever speaks the language"),
                _short("A presumed child victim is referred at once to ... protection", "child"),
            )))),
        (DemoSession("self_paced", "Self-paced, online"),
         DemoSession("in_person", "Bangkok workshop", 30, 3, "RSO training room, Bangkok", 24, "THA"))),
    DemoCourse(
        "IOM", "training@iom.example.org", "training@iom.example.org", "AVR-101",
        "Assisted voluntary return in practice",
        "Counselling, travel documents and reintegration support for migrants who choose to go home.",
        "assisted_voluntary_return", None,
        (DemoModule(
            "Return counselling", "Informed, voluntary decisions and what return assistance covers.",
            ("Explain the return options", "Check the decision is voluntary"), ("assisted_voluntary_return",),
            (("Voluntariness", "<p>A decision is voluntary when it is free of coercion and informed of every "
              "alternative, including asylum.</p>"),
             ("Reintegration", "<p>Reintegration support starts before departure: needs assessment, contacts at "
              "home, a plan.</p>")),
            DemoQuiz("Return counselling: check", 60, (
                _single("Before return counselling, the migrant must be told about", "Every alternative, asylum too",
                        "The return flight only", "Nothing, to avoid confusion"),
                _short("Support after arrival at home is called ...", "reintegration"),
            ))),),
        (DemoSession("virtual", "Online cohort", 21, 5, None, 40),)),
    DemoCourse(
        "UNODC", "training@unodc.example.org", "training@unodc.example.org", "TIP-201",
        "Investigating trafficking and smuggling networks",
        "Financial investigation, joint investigations across borders and working with witnesses.",
        "interview_techniques", 36,
        (DemoModule(
            "Following the money", "Why every trafficking case is also a financial investigation.",
            ("Trace proceeds of crime", "Request mutual legal assistance"), ("border_management",),
            (("Financial investigation", "<p>Open a parallel financial investigation from the first day: "
              "transfers, hawala, cash couriers.</p>"),
             ("Across borders", "<p>Joint investigations and mutual legal assistance bring evidence from the "
              "countries the network crosses.</p>")),
            DemoQuiz("Financial investigation: check", 70, (
                _multiple("Which channels move smugglers' proceeds?", ("Hawala", "Cash couriers"),
                          ("Court fees",)),
                _short("A formal request for evidence abroad is mutual legal ...", "assistance"),
            ))),
         DemoModule(
            "Interviewing witnesses", "Interviews that hold up in court and do not harm the witness.",
            ("Plan a PEACE interview", "Protect vulnerable witnesses"), ("interview_techniques",),
            (("The PEACE model", "<p>Planning, Engage and explain, Account, Closure, Evaluation.</p>"),),
            DemoQuiz("Interviewing witnesses: check", 70, (
                _single("In PEACE, the A stands for", "Account", "Accusation", "Arrest"),
            )))),
        (DemoSession("self_paced", "Self-paced, online"),
         DemoSession("in_person", "Kuala Lumpur course", 45, 4, "Royal Malaysia Police College, Kuala Lumpur", 30,
                     "MYS"))),
    DemoCourse(
        "RSO", "trainer@rso.example.org", "training@rso.example.org", "AGE-101",
        "Age assessment of unaccompanied minors",
        "A holistic, multidisciplinary age assessment that gives the benefit of the doubt.",
        "age_determination", 24,
        (DemoModule(
            "Holistic age assessment", "Why no single method tells age, and how to combine them.",
            ("Combine interview, documents and observation", "Apply the benefit of the doubt"),
            ("age_determination", "vulnerable_persons"),
            (("No single method", "<p>Bone and dental X-rays have margins of error of two years or more; they "
              "are never enough alone.</p>"),
             ("Benefit of the doubt", "<p>While age is unclear, the person is treated as a child.</p>")),
            DemoQuiz("Age assessment: check", 80, (
                _single("While age is unclear, the person is treated as", "A child", "An adult",
                        "Whatever their documents say"),
                _multiple("A holistic assessment draws on", ("An interview", "Documents"), ("A single X-ray",)),
            ))),),
        (DemoSession("self_paced", "Self-paced, online"),
         DemoSession("virtual", "Regional webinar series", 14, 2, None, 60))),
)


# --- joint action: one active JPA and its cases ---------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DemoCase:
    lead: str
    case_type: str
    title: str
    summary: str
    milestone: str  # where the case stands
    opened_days_ago: int


JPA_COORDINATORS = ("IDN", "AUS")  # the Bali Process co-chairs; IDN plans it
JPA_PARTICIPANTS = ("IDN", "AUS", "THA", "MYS", "PHL")
JPA = {
    "name": "JPA Andaman Sea",
    "focus": ["trafficking_in_persons", "people_smuggling"],
    "objectives": ["Disrupt the networks moving people across the Andaman Sea",
                   "Identify and protect victims at disembarkation"],
}
JPA_DAYS = (-60, 60)  # runs from 60 days ago to 60 days ahead
MILESTONES = ("intelligence", "investigation", "arrests", "charged", "prosecution", "convicted")
OUTCOMES = (  # milestone, the dashboard's metric, the outcome recorded once the case has reached the milestone
    ("arrests", "arrests", {"kind": "arrest", "count": 3, "note": "demo data"}),
    ("charged", "charges", {"kind": "charge", "count": 2, "note": "demo data"}),
    ("convicted", "convictions", {"kind": "conviction", "count": 1, "sentence": "6 years' imprisonment"}),
)
CASES = (
    DemoCase("THA", "people_smuggling", "Boat departures from Ranong",
             "Boats leaving Ranong at night with up to 80 passengers; crew paid per head.", "arrests", 50),
    DemoCase("IDN", "trafficking_in_persons", "Fishing crews recruited in Batam",
             "Men recruited for fishing vessels, documents kept by the agency, wages withheld.", "charged", 55),
    DemoCase("MYS", "document_fraud", "Forged work permits in Johor Bahru",
             "A print shop producing work permits sold to migrant workers.", "investigation", 30),
    DemoCase("PHL", "illegal_recruitment", "Online job offers for domestic work abroad",
             "Social media pages offering domestic work abroad against placement fees.", "prosecution", 58),
    DemoCase("AUS", "people_smuggling", "Payments to a smuggling organiser",
             "Transfers from Australia to accounts linked to a smuggling organiser.", "intelligence", 20),
    DemoCase("THA", "trafficking_in_persons", "Forced labour on a rubber plantation",
             "Workers rescued from a plantation; the employer was convicted.", "convicted", 59),
)


# --- what a run did ---------------------------------------------------------------------------------------


class DemoError(Exception):
    """A call answered something the demo did not expect."""


class Stopped(Exception):
    """The loader was asked to stop, or the platform stopped under it (Ctrl-C on `infra/run`)."""


@dataclasses.dataclass
class DemoReport:
    created: Counter = dataclasses.field(default_factory=Counter)  # kind -> how many records were created or moved
    warnings: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    stopped: bool = False

    def summary(self) -> str:
        done = ", ".join(f"{count} {kind}" for kind, count in sorted(self.created.items())) or "nothing new"
        return f"{done} in {self.seconds:.1f} s" + (f"; {len(self.warnings)} warnings" if self.warnings else "")


# --- the loader ---------------------------------------------------------------------------------------------


class DemoLoader:
    """Loads the demo into the platform behind `gateway` (see the module's docstring).

    Who checks and who writes: the roster office reads the whole roster and the course catalogue, and the
    coordinator of the JPA reads its dashboard, so a second run signs in only those two. Whoever's job a
    missing or unfinished record is signs in only when there is one."""

    def __init__(self, gateway: str, credentials: dict[str, str], *, stop: threading.Event | None = None,
                 log: Callable[[str], None] = lambda message: None, today: dt.date | None = None,
                 republish_tenants: Callable[[], None] | None = None):
        if PASSWORD_KEY not in credentials:
            raise ValueError(f"credentials need '{PASSWORD_KEY}', the password every demo person shares")
        self.gateway = gateway
        self.credentials = credentials
        self.stop = stop or threading.Event()
        self.log = log
        self.today = today or dt.date.today()
        self.republish_tenants = republish_tenants
        self.report = DemoReport()
        self.people = demo_people()
        self.experts = generate_experts(self.today)
        self._lock = threading.Lock()
        self._tokens: dict[str, str] = {}  # person's e-mail or client id -> access token
        self.directory: Directory | None = None

    # - running the steps

    def load(self, *, joint_action_only: bool = False) -> DemoReport:
        """Everything, or (`joint_action_only`, for the joint-action workspace's browser tests) the tenants, their
        people and the JPA with its cases, without the roster and the courses."""
        started = time.monotonic()
        try:
            self.directory = Directory(SimpleNamespace(gateway=self.gateway, credentials=self.credentials))
            self.directory.passwords.update({person.email: self.credentials[PASSWORD_KEY] for person in self.people})
            self._tenants()
            self._people_of(TENANT_BY_CODE[PLATFORM_TENANT])
            if joint_action_only:
                self._parallel(self._people_of, [tenant for tenant in TENANTS if self._staff(tenant.code)])
                self._joint_action()
            else:
                office = self.person(ROSTER_OFFICE)
                self._parallel(lambda step: step(), [lambda: self._roster(office), lambda: self._the_rest(office)])
        except Stopped:
            self.report.stopped = True
        except Exception as error:  # the admin client refused, say: a warning, infra/run goes on
            self.report.stopped = self._platform_gone()
            if not self.report.stopped:
                self._warn("the demo could not start", error)
        self.report.seconds = time.monotonic() - started
        return self.report

    def _the_rest(self, office: Api) -> None:
        """While the roster fills (it needs only the tenants and the roster office): the other people, then
        training and joint action, which need them."""
        self._parallel(self._people_of, [tenant for tenant in TENANTS
                                         if tenant.code != PLATFORM_TENANT and self._staff(tenant.code)])
        self._parallel(lambda step: step(), [lambda: self._training(office), self._joint_action])

    def _parallel(self, work: Callable, items: list) -> None:
        """`work(item)` for every item at once; a Stopped in any of them stops the run."""
        if not items:
            return
        with ThreadPoolExecutor(len(items)) as pool:
            for future in [pool.submit(work, item) for item in items]:
                future.result()

    def _attempt(self, what: str, step: Callable[[], object]) -> object | None:
        """Run one step of the demo; a failure becomes a warning and the demo goes on."""
        self._check_stop()
        try:
            return step()
        except Stopped:
            raise
        except Exception as error:  # one step failing is a warning, not the end of the demo
            if self._platform_gone():
                raise Stopped() from error
            self._warn(what, error)
            return None

    def _platform_gone(self) -> bool:
        """Asked to stop, or the platform stopped under the loader (Ctrl-C on `infra/run` stops the processes
        before the loader hears of it): then a failure is no demo item's fault, and the run ends quietly."""
        return self.stop.is_set() or not platform_is_live(self.gateway)

    def _warn(self, what: str, error: Exception) -> None:
        message = f"{what}: {error}"
        with self._lock:
            self.report.warnings.append(message)
        self.log(f"warning: {message}")

    def _count(self, kind: str, number: int = 1) -> None:
        with self._lock:
            self.report.created[kind] += number

    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise Stopped()

    # - HTTP

    def call(self, api: Api, method: str, path: str, expect: tuple[int, ...] = (200, 201), **kwargs):
        """One request through the gateway, waiting out answers to try later (its rate limit, a service's
        dependency slow to answer) for up to a minute. A reset connection is tried once more: the server closed an
        idle keep-alive connection as the request went out, so the request never arrived."""
        deadline = time.monotonic() + RETRY_LATER_PATIENCE_SECONDS
        retried = False
        while True:
            self._check_stop()
            try:
                response = api.call(method, path, **kwargs)
            except requests.ConnectionError:
                if retried:
                    raise
                retried = True
                continue
            if not try_later(response) or time.monotonic() > deadline:
                break
        if response.status_code not in expect:
            raise DemoError(f"{method} {path} answered {response.status_code}: {response.text[:300]}")
        return response

    def pages(self, api: Api, path: str, **params) -> list[dict]:
        """Every item of a paginated list."""
        items, page = [], 1
        while True:
            response = self.call(api, "GET", path, (200,), params={**params, "page": page, "page_size": PAGE_SIZE})
            items.extend(response.json())
            if page >= json.loads(response.headers.get("X-Pagination", "{}")).get("last_page", 1):
                return items
            page += 1

    def create(self, api: Api, path: str, kind: str, body: dict, *, may_exist: bool = False) -> dict:
        """POST `body`; with `may_exist`, a 409 (someone created it since we looked) is fine and not counted."""
        response = self.call(api, "POST", path, (201, 409) if may_exist else (201,), json=body)
        if response.status_code == 201:
            self._count(kind)
        return response.json()

    def admin(self) -> Api:
        """The admin API with the admin machine client's token (a session of the caller's own, as below)."""
        return Api(self.gateway, _token_of(self.directory.admin))

    def person(self, email: str) -> Api:
        """The API as this demo person, signed in through the portal once a run; each caller gets a session of
        its own, so threads share tokens but not connections."""
        with self._lock:
            token = self._tokens.get(email)
        if token is None:
            self._check_stop()
            token = _token_of(self.directory.signed_in(email))
            with self._lock:
                token = self._tokens.setdefault(email, token)
        return Api(self.gateway, token)

    def roster_system(self, tenant: str) -> Api:
        """The tenant's roster system: a machine client with the roster manager's role. Nominating a tenant's
        experts is a bulk job for its own system, which the gateway's per-client rate limit lets run beside the
        people's work (they all sign in through one portal client)."""
        client_id = f"{tenant.lower()}-roster-sync"
        with self._lock:
            token = self._tokens.get(client_id)
        if token is None:
            admin = self.admin()
            created = self.call(admin, "POST", f"/admin/tenants/{tenant}/clients", (201, 409), json={
                "client_id": client_id, "name": f"{TENANT_BY_CODE[tenant].name} roster system",
                "grant_types": ["client_credentials"], "roles": ROSTER_SYSTEM_ROLES})
            if created.status_code == 201:
                self._count("machine clients")
                secret = created.json()["client_secret"]
            else:  # there already: its secret is kept nowhere, so it gets a new one
                secret = self.call(admin, "POST", f"/admin/tenants/{tenant}/clients/{client_id}/rotate-secret",
                                   (200,)).json()["client_secret"]
            with self._lock:
                token = self._tokens.setdefault(client_id, oauth.client_token(self.gateway, client_id, secret))
        return Api(self.gateway, token)

    # - tenants and people

    def _staff(self, tenant: str) -> list[DemoPerson]:
        return [person for person in self.people if person.tenant == tenant]

    def _tenants(self) -> None:
        admin = self.admin()
        existing = {tenant["code"] for tenant in self.call(admin, "GET", "/admin/tenants").json()}
        for tenant in TENANTS:
            if tenant.code not in existing:
                body = {"code": tenant.code, "name": tenant.name, "kind": tenant.kind}
                self._attempt(f"tenant {tenant.code}",
                              lambda body=body: self.create(admin, "/admin/tenants", "tenants", body, may_exist=True))
        self._attempt("the services learn the tenants", lambda: self._until_services_know_the_tenants(admin))

    def _until_services_know_the_tenants(self, admin: Api) -> None:
        """Every service refuses a tenant code until the gateway's `identity.tenant.created` has reached it, so
        the demo waits for that. A service that missed the events (its database is older than the tenants' read
        model) hears them again from `rso-gateway publish-tenants`, which `infra/run` passes in."""
        codes = [tenant.code for tenant in TENANTS if tenant.code != PLATFORM_TENANT]
        if self.republish_tenants is None:
            wait_until_services_know(admin, codes)
            return
        try:
            wait_until_services_know(admin, codes, seconds=TENANT_EVENTS_FIRST_WAIT_SECONDS)
        except TimeoutError:
            self.log("the services missed some tenants: publishing every tenant again")
            self.republish_tenants()
            wait_until_services_know(admin, codes)

    def _people_of(self, tenant: DemoTenant) -> None:
        admin = self.admin()
        users = self._attempt(f"people of {tenant.code}",
                              lambda: self.call(admin, "GET", f"/admin/tenants/{tenant.code}/users").json())
        existing = {user["email"] for user in users or ()}
        for person in self._staff(tenant.code):
            if person.email not in existing:
                self._attempt(f"person {person.email}", lambda person=person: self.create(
                    admin, f"/admin/tenants/{person.tenant}/users", "people", {
                        "email": person.email, "display_name": person.name, "roles": list(person.roles),
                        "password": self.credentials[PASSWORD_KEY]}))

    # - the roster: each tenant's system nominates, the office vets and checks certificates, the tenant activates

    def _roster(self, office: Api) -> None:
        profiles = self._attempt("the roster's experts", lambda: {
            profile["email"]: profile for profile in self.pages(office, "/api/roster/experts")})
        if profiles is not None:
            self._parallel(lambda tenant: self._roster_of(tenant, profiles), [
                tenant.code for tenant in TENANTS if tenant.experts])

    def _roster_of(self, tenant: str, profiles: dict[str, dict]) -> None:
        experts = [expert for expert in self.experts if expert.tenant == tenant]
        office = self.person(ROSTER_OFFICE)
        system = None
        missing = [expert for expert in experts if expert.email not in profiles]
        if missing:
            system = self._attempt(f"the roster system of {tenant}", lambda: self.roster_system(tenant))
            for expert in missing if system else ():
                answer = self._attempt(f"nominating {expert.email}", lambda expert=expert: self.create(
                    system, "/api/roster/experts", "experts", expert.nomination()))
                if answer is not None:
                    with self._lock:
                        profiles[expert.email] = answer
        on_roster = [(expert, profiles[expert.email]) for expert in experts if expert.email in profiles]
        for expert, profile in on_roster:
            if profile["status"] == "nominated" and expert.status != "nominated":
                self._step(office, expert, profile, "vetted")
            if expert.certification_verified:
                self._verify_certificates(office, expert, profile)
        to_move = [(expert, profile) for expert, profile in on_roster if expert.status in ("active", "inactive")
                   and profile["status"] in ("vetted", "active") and profile["status"] != expert.status]
        if to_move and system is None:
            system = self._attempt(f"the roster system of {tenant}", lambda: self.roster_system(tenant))
        for expert, profile in to_move if system else ():
            if profile["status"] == "vetted":
                self._step(system, expert, profile, "active")
            if expert.status == "inactive" and profile["status"] == "active":
                self._step(system, expert, profile, "inactive")

    def _step(self, api: Api, expert: DemoExpert, profile: dict, target: str) -> None:
        """Move an expert one step on; a 409 means someone moved it already."""
        answer = self._attempt(f"expert {expert.email} to {target}", lambda: self.call(
            api, "POST", f"/api/roster/experts/{profile['expert_id']}/transitions", (200, 409),
            json={"to": target, "comment": "demo data"}))
        if answer is not None and answer.status_code == 200:
            profile.update(answer.json())
            self._count(f"experts {target}")

    def _verify_certificates(self, office: Api, expert: DemoExpert, profile: dict) -> None:
        for certificate in profile.get("certifications", []):
            if certificate["source"] == "external" and certificate["verified_at"] is None:
                path = f"/api/roster/experts/{profile['expert_id']}/certifications/" \
                       f"{certificate['certificate_id']}/verification"
                if self._attempt(f"verifying the certificate of {expert.email}",
                                 lambda path=path: self.call(office, "POST", path, (200,))) is not None:
                    self._count("certificates verified")

    # - training: the catalogue as the roster office sees it; the providers write what is missing

    def _training(self, reader: Api) -> None:
        catalogue = self._attempt("the course catalogue", lambda: {
            (course["provider"], course["code"]): course
            for course in self.pages(reader, "/api/training/courses", status="published")})
        if catalogue is not None:
            self._parallel(lambda course: self._attempt(f"course {course.code}", lambda: self._course(
                reader, course, catalogue.get((course.provider, course.code)))), list(COURSES))

    def _course(self, reader: Api, course: DemoCourse, published: dict | None) -> None:
        if published is not None:
            scheduled = {session["title"] for session in self.pages(reader, self._sessions_path(published))}
            if all(session.title in scheduled for session in course.sessions):
                return
        coordinator = self.person(course.coordinator)
        if published is None:
            versions = self.pages(coordinator, "/api/training/courses", code=course.code, provider=course.provider)
            draft = next((version for version in versions if version["status"] == "draft"), None) \
                or self._write(course)
            published = self.call(coordinator, "POST", f"/api/training/courses/{draft['id']}/status", (200,),
                                  json={"status": "published", "comment": "demo data"}).json()
            self._count("courses published")
        scheduled = {session["title"] for session in self.pages(coordinator, self._sessions_path(published))}
        for session in course.sessions:
            if session.title not in scheduled:
                self.create(coordinator, self._sessions_path(published), "sessions", self._session_body(session))

    def _write(self, course: DemoCourse) -> dict:
        """The course's quizzes, modules and draft, as its author writes them (those already written are reused)."""
        author = self.person(course.author)
        quizzes = {quiz["title"]: quiz for quiz in self.pages(author, "/api/training/assessments")}
        modules = {module["title"]: module for module in self.pages(author, "/api/training/modules")}
        for module in course.modules:
            if module.title in modules:
                continue
            quiz = quizzes.get(module.quiz.title) or self.create(author, "/api/training/assessments", "quizzes", {
                "title": module.quiz.title, "pass_mark": module.quiz.pass_mark, "max_attempts": 3,
                "questions": list(module.quiz.questions)})
            items = [{"kind": "lesson", "title": title, "body": body} for title, body in module.lessons]
            modules[module.title] = self.create(author, "/api/training/modules", "modules", {
                "title": module.title, "summary": module.summary, "learning_objectives": list(module.objectives),
                "functions": list(module.functions),
                "items": [*items, {"kind": "assessment", "title": module.quiz.title, "assessment_id": quiz["id"]}]})
        return self.create(author, "/api/training/courses", "courses", {
            "code": course.code, "title": course.title, "summary": course.summary, "pass_mark": 70,
            "module_ids": [modules[module.title]["id"] for module in course.modules],
            "certificate_validity_months": course.validity_months, "function": course.function})

    @staticmethod
    def _sessions_path(course: dict) -> str:
        return f"/api/training/courses/{course['id']}/sessions"

    def _session_body(self, session: DemoSession) -> dict:
        body = {"mode": session.mode, "title": session.title, "location": session.location,
                "capacity": session.capacity, "trainers": [{"name": "RSO training team"}]}
        if session.starts_in_days is not None:
            starts_on = self.today + dt.timedelta(days=session.starts_in_days)
            body.update(starts_on=starts_on.isoformat(),
                        ends_on=(starts_on + dt.timedelta(days=session.days - 1)).isoformat())
        if session.hosting_tenant:
            body["hosting_tenant"] = session.hosting_tenant
        return body

    # - joint action: the JPA's coordinator reads its dashboard; the lead's case officer works each case

    def _joint_action(self) -> None:
        coordinator = self._attempt("the JPA coordinator signs in", lambda: self.person(JPA_COORDINATOR))
        jpa = coordinator and self._attempt(f"JPA {JPA['name']}", lambda: self._jpa(coordinator))
        dashboard = jpa and self._attempt("the JPA's dashboard", lambda: self.call(
            coordinator, "GET", f"/api/joint-action/jpas/{jpa['id']}/dashboard", (200,)).json())
        if not dashboard:
            return
        seen = {(row["lead_tenant"], row["title"]): row for row in dashboard["per_case"]}
        unfinished = [case for case in CASES if not _case_done(case, seen.get((case.lead, case.title)))]
        self._parallel(lambda lead: self._cases_led_by(lead, jpa, [case for case in unfinished if case.lead == lead]),
                       sorted({case.lead for case in unfinished}))

    def _jpa(self, coordinator: Api) -> dict:
        jpa = next((jpa for jpa in self.pages(coordinator, "/api/joint-action/jpas") if jpa["name"] == JPA["name"]),
                   None)
        if jpa is None:
            start, end = (self.today + dt.timedelta(days=days) for days in JPA_DAYS)
            jpa = self.create(coordinator, "/api/joint-action/jpas", "JPAs", {
                **JPA, "start_date": start.isoformat(), "end_date": end.isoformat(),
                "coordinating_tenants": list(JPA_COORDINATORS), "participating_tenants": list(JPA_PARTICIPANTS)})
        if jpa["status"] == "planning":
            jpa = self.call(coordinator, "POST", f"/api/joint-action/jpas/{jpa['id']}/transitions", (200,),
                            json={"to": "active", "comment": "demo data"}).json()
            self._count("JPAs opened")
        return jpa

    def _cases_led_by(self, lead: str, jpa: dict, cases: list[DemoCase]) -> None:
        officer = self._attempt(f"the case officer of {lead} signs in", lambda: self.person(f"cases@{_domain(lead)}"))
        known = officer and self._attempt(f"cases of {lead}", lambda: {
            case["title"]: case for case in self.pages(officer, "/api/joint-action/cases", jpa_id=jpa["id"])
            if case["lead_tenant"] == lead})
        for case in cases if known is not None else ():
            self._attempt(f"case {case.title!r}", lambda case=case: self._case(officer, jpa, case, known))

    def _case(self, officer: Api, jpa: dict, case: DemoCase, known: dict[str, dict]) -> None:
        opened_on = self.today - dt.timedelta(days=case.opened_days_ago)
        record = known.get(case.title) or self.create(officer, "/api/joint-action/cases", "cases", {
            "jpa_id": jpa["id"], "case_type": case.case_type, "title": case.title, "summary": case.summary,
            "opened_on": opened_on.isoformat(),
            "shares": [{"tenant": tenant, "permission": "contribute"} for tenant in JPA_PARTICIPANTS
                       if tenant != case.lead]})
        path = MILESTONES[:MILESTONES.index(case.milestone) + 1]
        days_per_step = case.opened_days_ago // len(path)
        while record["status"] in path[:-1]:
            following = path[path.index(record["status"]) + 1]
            date = max(opened_on + dt.timedelta(days=days_per_step * path.index(following)),
                       dt.date.fromisoformat(record["milestones"][-1]["date"]))
            record = self.call(officer, "POST", f"/api/joint-action/cases/{record['id']}/milestones", (200, 201),
                               json={"status": following, "date": date.isoformat(), "note": "demo data"}).json()
            self._count("milestones")
        reached = {milestone["status"]: milestone["date"] for milestone in record["milestones"]}
        outcomes_path = f"/api/joint-action/cases/{record['id']}/outcomes"
        recorded = {outcome["kind"] for outcome in self.pages(officer, outcomes_path)}
        for milestone, _, outcome in OUTCOMES:
            if milestone in reached and outcome["kind"] not in recorded:
                self.create(officer, outcomes_path, "outcomes", {**outcome, "date": reached[milestone]})


def _case_done(case: DemoCase, seen: dict | None) -> bool:
    """The case, as the JPA's dashboard shows it, stands at its milestone with the outcomes that come with it."""
    if seen is None or seen["status"] != case.milestone:
        return False
    reached = MILESTONES[:MILESTONES.index(case.milestone) + 1]
    return all(seen[metric] > 0 for milestone, metric, _ in OUTCOMES if milestone in reached)


def _token_of(api: Api) -> str:
    return api.session.headers["Authorization"].removeprefix("Bearer ")


def _domain(tenant: str) -> str:
    return TENANT_BY_CODE[tenant].domain


# --- for infra/run -------------------------------------------------------------------------------------------

LIVE_WITHIN_SECONDS = 120


def load_demo(gateway: str, credentials: dict[str, str], *, stop: threading.Event | None = None,
              log: Callable[[str], None] = lambda message: None,
              republish_tenants: Callable[[], None] | None = None) -> DemoReport:
    """Load the demo into the running platform at `gateway` (see the module's docstring)."""
    return DemoLoader(gateway, credentials, stop=stop, log=log, republish_tenants=republish_tenants).load()


def platform_is_live(gateway: str) -> bool:
    """The gateway and every service behind it answer their liveness probe (through the gateway)."""
    probes = ["/health/live", *(f"/api/{service}/health/live" for service in ("roster", "training", "joint-action"))]
    try:
        return all(requests.get(f"{gateway}{probe}", timeout=2).status_code == 200 for probe in probes)
    except requests.RequestException:
        return False


def logins_table(credentials: dict[str, str]) -> str:
    """The demo's people, one a line (tenant, e-mail, roles), and the password they share."""
    people = demo_people()
    width = max(len(person.email) for person in people)
    lines = [f"  {person.tenant:<6} {person.email:<{width}}  {', '.join(person.roles)}" for person in people]
    return "\n".join([*lines, f"  password of every demo person: {credentials[PASSWORD_KEY]}"])


def _say(text: str) -> None:
    """One block of lines at once, so the processes' output does not cut into it."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def load_when_live(gateway: str, credentials: dict[str, str], stop: threading.Event, load: bool = True,
                   say: Callable[[str], None] = _say,
                   republish_tenants: Callable[[], None] | None = None) -> DemoReport | None:
    """`infra/run`'s demo thread: wait until the platform is live, load the demo (unless `load` is false), then
    print the gateway URL and the demo logins. Returns early, quietly, once `stop` is set (Ctrl-C)."""
    deadline = time.monotonic() + LIVE_WITHIN_SECONDS
    while not platform_is_live(gateway):
        if stop.wait(0.5):
            return None
        if time.monotonic() > deadline:
            say(f"rso-dev: warning: the platform was not live within {LIVE_WITHIN_SECONDS} s; no demo data loaded")
            return None
    if not load:
        say(f"rso-dev: the platform is live: sign in at {gateway}/ (no demo data: --no-demo)")
        return None
    say("rso-dev: loading the demo data (`infra/run --no-demo` skips it)")
    report = load_demo(gateway, credentials, stop=stop, log=lambda message: say(f"rso-dev: demo: {message}"),
                       republish_tenants=republish_tenants)
    if report.stopped:
        say("rso-dev: the demo data stopped loading with the platform; the next run finishes it")
        return report
    say(f"rso-dev: demo data ready ({report.summary()})\n"
        f"rso-dev: the platform is live: sign in at {gateway}/ as one of these demo people "
        f"(tenant, e-mail, roles; docs/demo.md):\n{logins_table(credentials)}")
    return report
