from .applications import Application, ApplicationEvent, Status
from .assignments import Assignment
from .cases import Job, JobConfidential, JobDuty, JobQuerySet
from .clients import Client, Establishment, Unit
from .matches import Match
from .taxonomy import Duty, DutyCategory, Qualification, Skill

__all__ = [
    "Application",
    "ApplicationEvent",
    "Status",
    "Assignment",
    "Client",
    "Duty",
    "DutyCategory",
    "Establishment",
    "Job",
    "JobConfidential",
    "JobDuty",
    "JobQuerySet",
    "Match",
    "Qualification",
    "Skill",
    "Unit",
]
