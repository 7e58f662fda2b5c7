"""Demo data for trying the portal: the agency, staff of every role, registrants, clients, cases.

Idempotent: everything is upserted by e-mail or ref, so running it again changes nothing.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from jobs import workflow
from jobs.matching_adapter import recompute_all
from jobs.models import Application, Job, Status
from registrants.models import Registrant
from staffing.demo import DEMO_PASSWORD, build_demo_document
from staffing.interchange import import_document
from staffing.models import AgencyEstablishment, AgencySettings, Role, User
from staffing.services import create_staff_user

STAFF = [
    ("admin@demo.nakadachi.jp", "管理 三郎", [Role.AGENCY_ADMIN]),
    ("coordinator@demo.nakadachi.jp", "調整 花子", [Role.COORDINATOR]),
    ("sales@demo.nakadachi.jp", "営業 太郎", [Role.CASE_SALES, Role.SERVICE_SALES]),
    ("service@demo.nakadachi.jp", "開拓 次郎", [Role.SERVICE_SALES]),
]
REGISTRANT_LOGINS = [
    ("R00001", "hanako@demo.nakadachi.jp"),
    ("R00002", "kenta@demo.nakadachi.jp"),
    ("R00003", "misaki@demo.nakadachi.jp"),
]


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--registrants", type=int, default=300)
        parser.add_argument("--clients", type=int, default=30)
        parser.add_argument("--jobs", type=int, default=60)

    def handle(self, *args, registrants: int, clients: int, jobs: int, **options):
        with transaction.atomic():
            self._agency()
            staff = {email: self._staff(email, name, roles) for email, name, roles in STAFF}
            document = build_demo_document(registrants=registrants, clients=clients, jobs=jobs)
            self._wire_demo_story(document)
            for client in document["clients"]:
                client["service_sales"] = "service@demo.nakadachi.jp"
            for job in document["jobs"]:
                job["case_sales"] = "sales@demo.nakadachi.jp"
            result = import_document(document)
            self._registrant_logins()
            self._applications(staff)
        stored = recompute_all()
        written = sum(result.rows_written.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(document['registrants'])} registrants, "
                f"{len(document['clients'])} clients, {len(document['jobs'])} job cases "
                f"({written} rows written, {stored} matches updated)."
            )
        )
        self.stdout.write(f"\nDemo logins (password: {DEMO_PASSWORD})")
        for email, _name, _roles in STAFF:
            self.stdout.write(f"  {email:36} {staff[email].get_role_display()}")
        for _ref, email in REGISTRANT_LOGINS:
            self.stdout.write(f"  {email:36} {Role.REGISTRANT.label}")

    def _agency(self) -> None:
        agency = AgencySettings.load()
        if not agency.permit_number:
            agency.permit_number = "派13-301234"
            agency.save(update_fields=["permit_number"])
        for name, postal_code, address in [
            ("新宿支店", "160-0023", "東京都新宿区西新宿1-1-1 仲立ちビル5階"),
            ("大阪支店", "530-0001", "大阪府大阪市北区梅田2-2-2"),
        ]:
            AgencyEstablishment.objects.get_or_create(
                name=name,
                defaults={"postal_code": postal_code, "address": address},
            )

    def _staff(self, email: str, name: str, roles: list[Role]) -> User:
        existing = User.objects.filter(email=email).first()
        if existing:
            return existing
        return create_staff_user(
            email=email, display_name=name, roles=roles, password=DEMO_PASSWORD
        )

    def _wire_demo_story(self, document: dict) -> None:
        """Registrant R00001 left the unit of job J0001 ten months ago (DOMAIN.md, failure 1)."""
        job = document["jobs"][0]
        job["status"] = "open"
        story = document["registrants"][0]
        start = datetime.date.fromisoformat(job["start"])
        left = (start.replace(day=1) - datetime.timedelta(days=300)).replace(day=1)
        story["assignments"] = [
            {
                "unit": job["unit"],
                "start": (left - datetime.timedelta(days=300)).isoformat(),
                "end": left.isoformat(),
                "hourly_wage": 1600,
                "hourly_bill_rate": 2250,
            }
        ]
        for registrant, (_ref, email) in zip(
            document["registrants"], REGISTRANT_LOGINS, strict=False
        ):
            registrant["email"] = email

    def _applications(self, staff: dict[str, User]) -> None:
        """Something true on every page: a proposal waiting for hanako, kenta past screening."""
        coordinator = staff["coordinator@demo.nakadachi.jp"]
        sales = staff["sales@demo.nakadachi.jp"]
        hanako = Registrant.objects.get(ref="R00001")
        kenta = Registrant.objects.get(ref="R00002")
        open_jobs = Job.objects.open().exclude(ref="J0001").order_by("ref")
        if not Application.objects.filter(registrant=hanako).exists():
            workflow.start(
                job=open_jobs[0],
                registrant=hanako,
                status=Status.PROPOSED,
                by=coordinator,
                proposed_by=coordinator,
                caveats_stated=True,
                proposal_message="経理のご経験が活かせる案件です。条件と注意点をご確認ください。",
            )
        if not Application.objects.filter(registrant=kenta).exists():
            application = workflow.start(
                job=open_jobs[1], registrant=kenta, status=Status.APPLIED, by=kenta.user
            )
            workflow.transition(application, Status.SCREENING, by=sales)
            workflow.transition(application, Status.PASSED, by=sales, note="経験十分")

    def _registrant_logins(self) -> None:
        for ref, email in REGISTRANT_LOGINS:
            registrant = Registrant.objects.get(ref=ref)
            if registrant.user_id:
                continue
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email,
                DEMO_PASSWORD,
                display_name=registrant.full_name,
                is_registrant=True,
            )
            registrant.user = user
            registrant.save(update_fields=["user"])
