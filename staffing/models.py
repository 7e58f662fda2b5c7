from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGISTRANT = "registrant", _("Registrant")
    COORDINATOR = "coordinator", _("Coordinator")
    CASE_SALES = "case_sales", _("Case sales rep")
    SERVICE_SALES = "service_sales", _("Service sales")
    AGENCY_ADMIN = "agency_admin", _("Agency admin")


STAFF_ROLES = frozenset({Role.COORDINATOR, Role.CASE_SALES, Role.SERVICE_SALES, Role.AGENCY_ADMIN})
_ROLE_FIELDS = {
    Role.REGISTRANT: "is_registrant",
    Role.COORDINATOR: "is_coordinator",
    Role.CASE_SALES: "is_case_sales",
    Role.SERVICE_SALES: "is_service_sales",
    Role.AGENCY_ADMIN: "is_agency_admin",
}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, is_agency_admin=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email__iexact=username)

    def staff(self):
        return self.filter(is_active=True, is_registrant=False)

    def with_role(self, role: Role):
        return self.filter(is_active=True, **{_ROLE_FIELDS[role]: True})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: a registrant, or agency staff holding one or more staff roles."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    is_registrant = models.BooleanField(_("registrant"), default=False)
    is_coordinator = models.BooleanField(_("coordinator"), default=False)
    is_case_sales = models.BooleanField(_("case sales rep"), default=False)
    is_service_sales = models.BooleanField(_("service sales"), default=False)
    is_agency_admin = models.BooleanField(_("agency admin"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("Can log into the Django admin. Given to agency admins."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        default="ja",
        choices=[("ja", _("Japanese")), ("en", _("English"))],
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="registrant_holds_no_staff_role",
                condition=models.Q(is_registrant=False)
                | models.Q(
                    is_coordinator=False,
                    is_case_sales=False,
                    is_service_sales=False,
                    is_agency_admin=False,
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(role for role, field in _ROLE_FIELDS.items() if getattr(self, field))

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_agency_staff(self) -> bool:
        return self.is_active and bool(self.roles & STAFF_ROLES)

    def get_role_display(self) -> str:
        return "・".join(str(role.label) for role in Role if role in self.roles)


class AgencySettings(models.Model):
    """The one row of agency-wide configuration, edited by the agency admin."""

    name = models.CharField(_("agency name"), max_length=200, default="仲立ちスタッフ株式会社")
    permit_number = models.CharField(
        _("dispatch business permit number"),
        max_length=40,
        blank=True,
        help_text=_("労働者派遣事業許可番号, e.g. 派13-000000"),
    )
    uses_coordinators = models.BooleanField(
        _("works with coordinators"),
        default=True,
        help_text=_(
            "Off: registrants find and apply to jobs themselves and case sales reps screen them "
            "directly; coordinator pages and proposals are switched off."
        ),
    )
    proposals_per_registrant_per_week = models.PositiveSmallIntegerField(
        _("proposals per registrant per week"),
        default=3,
    )
    messages_per_registrant_per_day = models.PositiveSmallIntegerField(
        _("messages per registrant per day"),
        default=5,
    )
    response_target_hours = models.PositiveSmallIntegerField(
        _("response-time target (hours)"),
        default=24,
    )
    step_target_days = models.PositiveSmallIntegerField(
        _("target days in one workflow step"),
        default=5,
    )
    equal_pay_method = models.CharField(
        _("equal-pay method"),
        max_length=20,
        default="labour_agreement",
        choices=[
            ("labour_agreement", _("Labour-management agreement (労使協定方式)")),
            ("client_comparison", _("Client comparison (派遣先均等・均衡方式)")),
        ],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("agency settings")
        verbose_name_plural = _("agency settings")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> "AgencySettings":
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings


postal_code_validator = RegexValidator(
    r"^\d{3}-?\d{4}$", _("Enter a postal code of 7 digits, e.g. 100-0005.")
)


class AgencyEstablishment(models.Model):
    """One of the agency's own offices (派遣元事業所); the margin disclosure is made per office."""

    name = models.CharField(_("name"), max_length=200)
    postal_code = models.CharField(
        _("postal code"), max_length=8, validators=[postal_code_validator]
    )
    address = models.CharField(_("address"), max_length=300)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    responsible_person = models.CharField(
        _("responsible person (派遣元責任者)"),
        max_length=100,
        blank=True,
    )
    uses_labour_agreement = models.BooleanField(
        _("uses a labour-management agreement"), default=True
    )

    class Meta:
        verbose_name = _("agency establishment")
        verbose_name_plural = _("agency establishments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """Who looked at or exported whose personal data (個人情報保護法, 派遣元指針)."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        EXPORT = "export", _("exported")
        IMPORT = "import", _("imported")
        CHANGE = "change", _("changed")
        DELETE_REQUEST = "delete_request", _("asked for deletion")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    subject = models.CharField(_("subject"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.subject}"


class NotificationQuerySet(models.QuerySet):
    def in_app_for(self, user):
        return self.filter(recipient=user, channel=Notification.Channel.IN_APP)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def backlog(self):
        return self.filter(channel=Notification.Channel.EMAIL, status=Notification.State.PENDING)

    def due(self, now):
        """E-mails the sweep should queue: waiting, and past their next attempt time."""
        return self.backlog().filter(
            models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now)
        )


class Notification(models.Model):
    """The outbox: written in the same transaction as the event, delivered by a Celery worker."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        IN_APP = "in_app", _("In the portal")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=60)
    event_key = models.CharField(
        _("event"), max_length=120, help_text=_("One notification per event and channel.")
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Backoff lives here, not in the broker: the sweep queues a waiting e-mail again from this
    # time on, so retries survive a lost message, a dead worker and a Redis restart.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    headers = models.JSONField(_("extra mail headers"), default=dict, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "channel", "event_key"], name="notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="notification_email_backlog",
                condition=models.Q(channel="email", status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.channel} {self.kind}"


# --- Message threads: a written line between a registrant and the agency ---------------------


class ThreadQuerySet(models.QuerySet):
    def for_registrant(self, registrant):
        return self.filter(registrant=registrant)

    def visible_to_staff(self, user):
        """Case threads go to the case's sales rep, general ones to sales reps, complaints to the
        agency's responsible people only (a complaint may be about the rep); admins see all."""
        if user.has_role(Role.AGENCY_ADMIN):
            return self.all()
        if user.has_role(Role.CASE_SALES):
            return self.filter(
                models.Q(kind=Thread.Kind.CASE, job__case_sales=user)
                | models.Q(kind=Thread.Kind.GENERAL)
            )
        return self.none()

    def waiting(self):
        return self.filter(waiting_since__isnull=False)

    def overdue(self, *, now, target_hours: int):
        from datetime import timedelta

        return self.filter(waiting_since__lte=now - timedelta(hours=target_hours))


class Thread(models.Model):
    """One conversation: a registrant × a case, × the agency in general, or a complaint."""

    class Kind(models.TextChoices):
        CASE = "case", _("About a job case")
        GENERAL = "general", _("To the agency")
        COMPLAINT = "complaint", _("Complaint (苦情)")

    registrant = models.ForeignKey(
        "registrants.Registrant",
        verbose_name=_("registrant"),
        on_delete=models.PROTECT,
        related_name="threads",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name=_("job case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="threads",
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)
    waiting_since = models.DateTimeField(
        _("waiting for the agency since"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The registrant's first message not yet answered; empty once answered."),
    )

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registrant", "job"],
                condition=models.Q(kind="case"),
                name="thread_once_per_case",
            ),
            models.UniqueConstraint(
                fields=["registrant", "kind"],
                condition=models.Q(kind__in=["general", "complaint"]),
                name="thread_once_per_channel",
            ),
            models.CheckConstraint(
                name="thread_case_has_job",
                condition=models.Q(kind="case", job__isnull=False)
                | (~models.Q(kind="case") & models.Q(job__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registrant_id} {self.kind} {self.job_id or ''}".strip()

    @property
    def is_complaint(self) -> bool:
        return self.kind == self.Kind.COMPLAINT

    def answer_due(self, target_hours: int):
        from datetime import timedelta

        if self.waiting_since is None:
            return None
        return self.waiting_since + timedelta(hours=target_hours)


class MessageQuerySet(models.QuerySet):
    def counted_for_limit(self, *, author, since):
        """A registrant's own messages that count toward the daily limit (never complaints)."""
        return self.filter(author=author, sent_at__gte=since).exclude(
            thread__kind=Thread.Kind.COMPLAINT
        )


class Message(models.Model):
    """One message. There is no edit and no delete: what was written stays as it was sent.

    On PostgreSQL a trigger (migration ``0004``) refuses UPDATE and DELETE of this table.
    """

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(
        User, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    from_registrant = models.BooleanField(_("written by the registrant"))
    body = models.TextField(_("message"), max_length=4000)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["author", "sent_at"], name="message_author_sent")]

    def __str__(self) -> str:
        return f"{self.thread_id} {self.sent_at:%Y-%m-%d %H:%M}"


class MessagingBlockQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)


class MessagingBlock(models.Model):
    """Staff paused a registrant's messages, with a reason; complaints stay open regardless."""

    registrant = models.ForeignKey(
        "registrants.Registrant",
        verbose_name=_("registrant"),
        on_delete=models.CASCADE,
        related_name="messaging_blocks",
    )
    reason = models.TextField(_("reason"))
    blocked_by = models.ForeignKey(
        User, verbose_name=_("blocked by"), on_delete=models.PROTECT, related_name="+"
    )
    blocked_at = models.DateTimeField(_("blocked"), default=timezone.now)
    lifted_by = models.ForeignKey(
        User,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    objects = MessagingBlockQuerySet.as_manager()

    class Meta:
        verbose_name = _("messaging block")
        verbose_name_plural = _("messaging blocks")
        ordering = ["-blocked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registrant"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_active_messaging_block",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registrant_id} ⊘ {self.blocked_at:%Y-%m-%d}"
