"""``elimu demo``: seed a believable deployment through the real services, and hand out ways in.

Kenya's public-service ICT programme (technical and non-technical cohorts; Huawei's authorised ICT
academy for the HCIA certifications, the Kenya School of Government's Moodle for the rest) and Rwanda's
mandatory AI course (the Rwanda Management Institute's Moodle), with institutions ahead of, near and
behind their deadlines. Everything goes the way production data does: centres apply and are approved,
the catalogue is built and mapped, learners come from HR rosters, statements are validated, checked
against their centre's claims, stored and normalised. Dates are relative to today, so the dashboard
tells the same story whenever it is seeded. Seeding twice adds nothing the second time.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.auth.service import IssuedCredential, Principal, authenticate, issue_credential
from lrs.centres.audit import Actor
from lrs.centres.service import Application, apply_for_centre, decide
from lrs.db import utcnow
from lrs.outbox import forget, pending_seqs
from lrs.people.service import save_person
from lrs.xapi.ownership import check_statement_ownership
from lrs.xapi.statements.store import store_statements
from lrs.xapi.validation import validate_statements
from reports.catalogue.service import NewCourse, add_mapping, create_course
from reports.learners.roster import import_roster
from reports.normalise.locks import hold_normaliser_lock
from reports.normalise.service import normalise_statements
from reports.programmes.institutions import InstitutionSpec, create_institution
from reports.programmes.models import Programme
from reports.programmes.service import InstitutionTarget, ProgrammeSpec, create_programme

ADMIN_EMAIL = "admin@elimu.example"
ADMIN_PASSWORD = "elimu-demo-2026"  # noqa: S105 - the demo's published sign-in, printed by `elimu demo`
DEMO_MARK = "kenya-public-service-ict-skills-programme-year-1"
SYSTEM = Actor("elimu demo", "system")
KSG, HUAWEI, RMI = "https://elearning.ksg.ac.ke", "https://talent.huawei.com/ke", "https://elearning.rmi.gov.rw"
VERBS = {
    "registered": "http://adlnet.gov/expapi/verbs/registered",
    "progressed": "http://adlnet.gov/expapi/verbs/progressed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "achieved": "https://w3id.org/xapi/tla/verbs/achieved",
}
CERTIFICATE_NUMBER = "https://elimu.dev/xapi/extensions/certificate-number"
EXPIRES_AT = "https://elimu.dev/xapi/extensions/expires-at"
PROCTORED = "https://elimu.dev/xapi/extensions/proctored"
# code: (centre, title, track, framework, level, hours, validity days, weight among the cohort's choices)
COURSES = {
    "HCIA-CLOUD": ("huawei", "HCIA-Cloud Service", "Cloud", "KNQF", 6, 60, 1095, 25),
    "HCIA-AI": ("huawei", "HCIA-AI: Artificial Intelligence", "AI", "KNQF", 6, 60, 1095, 20),
    "HCIA-DATACOM": ("huawei", "HCIA-Datacom", "Datacom", "KNQF", 6, 80, 1095, 15),
    "HCIA-SECURITY": ("huawei", "HCIA-Security", "Network security", "KNQF", 6, 60, 1095, 15),
    "HCIA-IOT": ("huawei", "HCIA-IoT", "IoT", "KNQF", 6, 60, 1095, 12),
    "HCIA-BIGDATA": ("huawei", "HCIA-Big Data", "Big data", "KNQF", 6, 60, 1095, 13),
    "KSG-DE201": ("ksg", "Digital economy essentials", "Digital economy", "KNQF", 5, 30, None, 30),
    "KSG-EG301": ("ksg", "E-government service design", "E-government", "KNQF", 6, 40, None, 25),
    "KSG-SC301": ("ksg", "Smart cities for public managers", "Smart cities", "KNQF", 6, 30, None, 15),
    "KSG-DL501": ("ksg", "Digital leadership for senior officers", "Digital leadership", "KNQF", 7, 40, None, 20),
    "KSG-CY101": ("ksg", "Cyber hygiene for public officers", "Network security", "KNQF", 4, 10, None, 10),
    "RMI-AI101": ("rmi", "Artificial intelligence for public servants", "AI", "RQF", 5, 20, None, 0),
}
CENTRES = {  # key: (name, kind, country, home page)
    "ksg": ("Kenya School of Government", "school_of_government", "KE", KSG),
    "huawei": ("Huawei ICT Academy Kenya", "vendor_academy", "KE", HUAWEI),
    "rmi": ("Rwanda Management Institute", "school_of_government", "RW", RMI),
}
KENYA = {  # institution: (HR head count, registered officers, e-mail domain)
    "Ministry of Information, Communications and the Digital Economy": (240, 230, "ict.go.ke"),
    "The National Treasury": (320, 300, "treasury.go.ke"),
    "Ministry of Health": (280, 250, "health.go.ke"),
    "Ministry of Education": (210, 190, "education.go.ke"),
    "Kenya Revenue Authority": (190, 180, "kra.go.ke"),
    "State Department for Public Service": (160, 150, "publicservice.go.ke"),
}
RWANDA = {  # institution: (HR head count, registered, phase, share of the registered who completed, e-mail domain)
    "Ministry of ICT and Innovation": (150, 146, 1, 0.97, "minict.gov.rw"),
    "Ministry of Finance and Economic Planning": (230, 220, 1, 0.72, "minecofin.gov.rw"),
    "Ministry of Public Service and Labour": (120, 120, 1, 1.0, "mifotra.gov.rw"),
    "Ministry of Health (Rwanda)": (300, 285, 2, 0.64, "moh.gov.rw"),
    "Ministry of Education (Rwanda)": (260, 250, 2, 0.86, "mineduc.gov.rw"),
    "Rwanda Revenue Authority": (220, 210, 3, 0.42, "rra.gov.rw"),
    "City of Kigali": (180, 170, 3, 0.24, "kigalicity.gov.rw"),
}
KENYAN_NAMES = (
    "Wanjiku Achieng Otieno Kamau Mwangi Njeri Kiprono Chebet Odhiambo Wambui Mutua Akinyi Kariuki Nyambura Omondi "
    "Jepkosgei Barasa Wafula Nekesa Kiptoo Moraa Nyaboke Ouma Atieno Mumbi Gitau Muthoni Kilonzo Mwende Halima Abdi "
    "Fatuma Hassan Naliaka Wekesa Korir Jeptoo Onyango Awino Ndirangu Waithera Kibet Cherono Macharia Wairimu"
).split()
RWANDAN_NAMES = (
    "Uwase Mugisha Niyonzima Uwimana Habimana Mukamana Nshimiyimana Ingabire Hakizimana Umutoni Bizimana Nyiraneza "
    "Nkurunziza Iradukunda Ndayisaba Mutesi Kayitesi Ntwari Gasana Keza Kalisa Murekatete Rukundo Uwera Byiringiro "
    "Twagirayezu Mukeshimana Nsengiyumva Umuhoza Shema Ishimwe Dusabe Mbabazi Tuyishime"
).split()


@dataclass(frozen=True)
class DemoCredential(IssuedCredential):
    """The demo's xAPI credential, and the administrator who signs in to the pages."""

    admin_email: str = ADMIN_EMAIL
    admin_password: str = ADMIN_PASSWORD

    def as_json(self) -> dict[str, str]:
        return {**super().as_json(), "admin_email": self.admin_email, "admin_password": self.admin_password}


def seed_demo(session: Session, *, base_url: str) -> DemoCredential:
    """Create the demo administrator and an xAPI credential; on first run, the whole demo deployment."""
    save_person(session, ADMIN_EMAIL, ADMIN_PASSWORD)
    issued = issue_credential(session, name="Elimu demo", scopes=["all"], role="admin")
    if session.scalar(select(Programme.id).where(Programme.slug == DEMO_MARK)) is None:
        _Seeder(session, base_url, utcnow().date()).run()
    return DemoCredential(issued.client, issued.secret)


class _Seeder:
    """One demo seeding: the centres' credentials, the statements gathered per centre, the random stream."""

    def __init__(self, session: Session, base_url: str, today: date) -> None:
        self.session, self.base_url, self.today = session, base_url, today
        self.rng = random.Random(2026)  # noqa: S311 - a reproducible demo, not a secret
        self.serial = 0
        self.principals: dict[str, Principal] = {}
        self.centre_ids: dict[str, int] = {}
        self.statements: dict[str, list[dict[str, Any]]] = {key: [] for key in CENTRES}
        self.kenyan_start = today - timedelta(days=210)
        self.rwandan_start = today - timedelta(days=240)
        self.phases = {1: today - timedelta(days=20), 2: today + timedelta(days=18), 3: today + timedelta(days=110)}

    def run(self) -> None:
        self._centres()
        self._catalogue()
        kenyans, rwandans = self._rosters()
        for learner in kenyans:
            self._kenyan_activity(*learner)
        for learner in rwandans:
            self._rwandan_activity(*learner)
        self._loose_ends()
        for key, statements in self.statements.items():
            for start in range(0, len(statements), 500):
                self._store(key, statements[start:start + 500])
        hold_normaliser_lock(self.session)
        while seqs := pending_seqs(self.session, 5000):
            normalise_statements(self.session, seqs)
            forget(self.session, seqs)
        self._programmes()

    def _centres(self) -> None:
        for key, (name, kind, country, home) in CENTRES.items():
            application = Application(name, kind, country, f"ACC-{country}-{key.upper()}-2025", f"registry@{key}.example",
                                      [home], [f"{home}/"])
            centre = apply_for_centre(self.session, application)
            credential = decide(self.session, centre.id, "approve", by=SYSTEM, reason="demo: accreditation checked").credential
            assert credential is not None  # noqa: S101 - approval always issues one
            self.principals[key] = authenticate(self.session, credential.client.key, credential.secret, base_url=self.base_url)
            self.centre_ids[key] = centre.id

    def _catalogue(self) -> None:
        for code, (centre, title, track, framework, level, hours, validity, _) in COURSES.items():
            kind = "Certification" if centre == "huawei" else "Course"
            course = create_course(self.session, NewCourse(code, title, str(self.centre_ids[centre]), kind, track, framework,
                                                           level, float(hours), validity_days=validity))
            add_mapping(self.session, course, self.centre_ids[centre], _activity(code), is_prefix=False)

    def _rosters(self) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
        """Import each country's HR roster (learners and their e-mail identities); register the institutions."""
        kenyan_rows, rwandan_rows = [], []
        for institution, (head_count, registered, domain) in KENYA.items():
            create_institution(self.session, InstitutionSpec(institution, "KE", head_count))
            for _ in range(registered):
                cohort = "Technical" if self.rng.random() < 0.45 else "Non-technical"
                kenyan_rows.append(self._person(KENYAN_NAMES, institution, cohort, domain, ("ke-upn", "ke-national-id")))
        for institution, (head_count, registered, _, _, domain) in RWANDA.items():
            create_institution(self.session, InstitutionSpec(institution, "RW", head_count))
            for _ in range(registered):
                rwandan_rows.append(self._person(RWANDAN_NAMES, institution, "", domain, ("rw-ippis", "rw-national-id")))
        for rows, schemes in ((kenyan_rows, ("ke-upn", "ke-national-id")), (rwandan_rows, ("rw-ippis", "rw-national-id"))):
            report = import_roster(self.session, _csv(rows, schemes))
            assert report.rows_failed == 0, report.errors[:3]  # noqa: S101 - our own roster
        return ([(r["email"], r["institution"], r["cohort"]) for r in kenyan_rows],
                [(r["email"], r["institution"], r["cohort"]) for r in rwandan_rows])

    def _person(self, names: list[str], institution: str, cohort: str, domain: str, schemes: tuple[str, str]) -> dict[str, str]:
        first, last = self.rng.sample(names, 2)
        self.serial += 1  # identifiers and addresses unique by construction
        number = 31_000_000 + self.serial * 37
        national = str(number + 7) if schemes[1] == "ke-national-id" else f"1198{number}0000"
        return {"name": f"{first} {last}", "institution": institution, "cohort": cohort,
                "email": f"{first.lower()}.{last.lower()}.{self.serial}@{domain}",
                schemes[0]: f"{'20' if schemes[0] == 'ke-upn' else '11'}{number}", schemes[1]: national}

    def _kenyan_activity(self, email: str, _institution: str, cohort: str) -> None:
        joined = self.kenyan_start + timedelta(days=int(200 * self.rng.random() ** 1.4))
        engagement = self.rng.random()
        if cohort == "Technical":
            codes = self._choose(["HCIA-CLOUD", "HCIA-AI", "HCIA-DATACOM", "HCIA-SECURITY", "HCIA-IOT", "HCIA-BIGDATA"], 2 if engagement > 0.9 else 1)
        else:
            codes = self._choose(["KSG-DE201", "KSG-EG301", "KSG-SC301", "KSG-DL501", "KSG-CY101"], 2)
        for code in codes:
            joined = self._course(email, code, joined, engagement)

    def _course(self, email: str, code: str, joined: date, engagement: float) -> date:
        """One learner's path through one course; the day after which they would start the next one."""
        centre = COURSES[code][0]
        self._say(centre, email, "registered", code, joined)
        if engagement < 0.12:
            return joined + timedelta(days=400)
        self._say(centre, email, "progressed", code, joined + timedelta(days=self.rng.randrange(2, 10)))
        finished = joined + timedelta(days=self.rng.randrange(25, 75))
        if engagement < 0.33 or finished > self.today:
            return finished
        if self.rng.random() < 0.15:  # failed first, then (mostly) passed on a second sitting
            self._assess(centre, email, code, finished, passed=False)
            finished += timedelta(days=self.rng.randrange(14, 40))
            if finished > self.today or engagement < 0.45:
                return finished
        self._assess(centre, email, code, finished, passed=True)
        return finished + timedelta(days=self.rng.randrange(3, 30))

    def _assess(self, centre: str, email: str, code: str, moment: date, *, passed: bool) -> None:
        if centre == "huawei":
            score = self.rng.randrange(620, 980) if passed else self.rng.randrange(380, 590)
            self._say(centre, email, "passed" if passed else "failed", code, moment, raw=score, maximum=1000, proctored=True)
            if passed:
                number = f"HW-KE-{self.rng.randrange(10**8, 10**9)}"
                expires = moment + timedelta(days=COURSES[code][6] or 0)
                self._say(centre, email, "achieved", code, moment, extensions={CERTIFICATE_NUMBER: number, EXPIRES_AT: _stamp(expires)})
        else:
            score = self.rng.randrange(55, 99) if passed else self.rng.randrange(25, 49)
            self._say(centre, email, "passed" if passed else "failed", code, moment, raw=score, maximum=100)

    def _rwandan_activity(self, email: str, institution: str, _cohort: str) -> None:
        _, _, phase, share, _ = RWANDA[institution]
        deadline = self.phases[phase]
        chance = self.rng.random()
        if chance < share:
            latest = min(deadline + timedelta(days=10), self.today)
            done = self.rwandan_start + timedelta(days=20 + int(((latest - self.rwandan_start).days - 20) * self.rng.random() ** 0.8))
            start = done - timedelta(days=self.rng.randrange(7, 30))
            self._say("rmi", email, "registered", "RMI-AI101", start)
            self._say("rmi", email, "progressed", "RMI-AI101", start + timedelta(days=2))
            self._say("rmi", email, "passed", "RMI-AI101", done, raw=self.rng.randrange(60, 100), maximum=100)
        elif chance < share + (1 - share) * 0.6:
            start = self.today - timedelta(days=self.rng.randrange(5, 90))
            self._say("rmi", email, "registered", "RMI-AI101", start)
            if self.rng.random() < 0.6:
                self._say("rmi", email, "progressed", "RMI-AI101", start + timedelta(days=3))

    def _loose_ends(self) -> None:
        """What a real deployment always has: records to check twice, and things waiting for an administrator."""
        kenyan = list(dict.fromkeys(s["actor"]["mbox"][7:] for s in self.statements["ksg"] if s["verb"]["id"] == VERBS["registered"]))[:12]
        for index, email in enumerate(kenyan[:6]):  # a course passed within minutes of starting it
            moment = self.today - timedelta(days=30 + index)
            self._say("ksg", email, "registered", "KSG-CY101", moment, at=time(7, 30))
            self._say("ksg", email, "passed", "KSG-CY101", moment, raw=100, maximum=100, at=time(7, 42))
        for email in kenyan[6:9]:  # many attempts at one assessment
            for attempt in range(6):
                self._say("ksg", email, "failed", "KSG-DL501", self.today - timedelta(days=60 - 5 * attempt), raw=30 + attempt * 3, maximum=100)
        for number in range(4):  # Moodle users the HR roster does not know
            self._say("ksg", f"guest.{number}@gmail.com", "passed", "KSG-DE201", self.today - timedelta(days=9 + number), raw=77, maximum=100)
        unmapped = {"id": f"{KSG}/course/view.php?id=908", "definition": {"type": "http://adlnet.gov/expapi/activities/course",
                                                                            "name": {"en": "Records management (2025 pilot)"}}}
        for email in kenyan[:5]:
            self._say("ksg", email, "passed", "", self.today - timedelta(days=40), raw=81, maximum=100, target=unmapped)

    def _programmes(self) -> None:
        kenya_codes = [code for code, course in COURSES.items() if course[0] in ("ksg", "huawei")]
        create_programme(self.session, ProgrammeSpec(
            "Kenya public-service ICT skills programme: year 1", "min_credits", kenya_codes, self.kenyan_start,
            description="Year one of 20,000 officers in three years: technical officers earn a Huawei HCIA certification "
                        "at the authorised ICT academy, non-technical officers two Kenya School of Government courses.",
            country="KE", min_credits=6, cohorts=["Technical", "Non-technical"], target_count=1300,
            deadline=self.kenyan_start + timedelta(days=365)))
        create_programme(self.session, ProgrammeSpec(
            "Rwanda mandatory AI training", "all_of", ["RMI-AI101"], self.rwandan_start,
            description="Every civil servant completes Artificial intelligence for public servants, ministry by ministry "
                        "in three phases.", country="RW", is_mandatory=True, deadline=self.phases[3],
            institutions=[InstitutionTarget(name, self.phases[phase]) for name, (_, _, phase, _, _) in RWANDA.items()]))
        create_programme(self.session, ProgrammeSpec(
            "Digital leadership for senior officers", "any_of", ["KSG-DL501", "KSG-EG301"], self.kenyan_start,
            description="Non-technical officers lead a digital service: either Kenya School of Government course counts.",
            country="KE", cohorts=["Non-technical"], target_count=400, deadline=self.today + timedelta(days=120)))

    def _choose(self, codes: list[str], count: int) -> list[str]:
        pool, chosen = list(codes), list[str]()
        while pool and len(chosen) < count:
            pick = self.rng.choices(pool, weights=[COURSES[code][7] for code in pool])[0]
            pool.remove(pick)
            chosen.append(pick)
        return chosen

    def _say(self, centre: str, email: str, verb: str, code: str, day: date, *, raw: int | None = None,
             maximum: int = 100, proctored: bool | None = None, extensions: dict[str, Any] | None = None,
             at: time | None = None, target: dict[str, Any] | None = None) -> None:
        """One statement, as the centre's platform would send it (at a random working hour unless ``at``)."""
        moment = datetime.combine(day, at or time(8 + self.rng.randrange(9), self.rng.randrange(60)), UTC)
        statement: dict[str, Any] = {
            "actor": {"objectType": "Agent", "mbox": f"mailto:{email}"},
            "verb": {"id": VERBS[verb], "display": {"en": verb}},
            "object": target or {"id": _activity(code), "definition": {
                "type": "http://adlnet.gov/expapi/activities/course", "name": {"en": COURSES[code][1]}}},
            "context": {"platform": "Huawei Talent" if centre == "huawei" else "Moodle", "language": "en"},
            "timestamp": _stamp(moment),
        }
        result: dict[str, Any] = {}
        if raw is not None:
            result.update(score={"raw": raw, "min": 0, "max": maximum}, success=verb == "passed", completion=True)
        if extensions or proctored is not None:
            result["extensions"] = {**(extensions or {}), **({PROCTORED: proctored} if proctored is not None else {})}
        if verb == "achieved":
            result.update(success=True, completion=True)
        if result:
            statement["result"] = result
        self.statements[centre].append(statement)

    def _store(self, centre: str, statements: list[dict[str, Any]]) -> None:
        """What POST /xapi/statements does with a centre's batch: validate, check its claims, store."""
        principal = self.principals[centre]
        statements = validate_statements(statements, version="1.0.3")
        check_statement_ownership(principal, statements)
        store_statements(self.session, statements, principal=principal, version="1.0.3")


def _activity(code: str) -> str:
    centre = COURSES[code][0]
    if centre == "huawei":
        return f"{HUAWEI}/huawei-talent/certifications/{code}"
    return f"{KSG if centre == 'ksg' else RMI}/course/view.php?id={1000 + list(COURSES).index(code)}"


def _stamp(moment: date | datetime) -> str:
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(), UTC)
    return moment.isoformat().replace("+00:00", "Z")


def _csv(rows: list[dict[str, str]], schemes: tuple[str, str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["name", "institution", "cohort", "email", *schemes])
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()
