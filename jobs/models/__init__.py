from .applications import Application, ApplicationEvent, Status
from .assignments import Assignment
from .case_review import CaseFlag, CaseLog, FlagJustification
from .cases import Job, JobConfidential, JobDuty, JobQuerySet
from .clients import Client, Establishment, Unit
from .clients_extra import ClientContact, VisitNote
from .going_rate import GoingRate
from .matches import Match
from .taxonomy import Duty, DutyCategory, Qualification, Skill

__all__ = [
    "Application",
    "ApplicationEvent",
    "Status",
    "Assignment",
    "CaseFlag",
    "CaseLog",
    "Client",
    "ClientContact",
    "Duty",
    "DutyCategory",
    "Establishment",
    "FlagJustification",
    "GoingRate",
    "Job",
    "JobConfidential",
    "JobDuty",
    "JobQuerySet",
    "Match",
    "Qualification",
    "Skill",
    "Unit",
    "VisitNote",
]
