"""Pages anyone uses — job search and the job page — and the registrant's apply action.

Only open cases are searched and only public fields are shown. A logged-in registrant also sees,
on the job page, how they cover each requirement, their score with its reasons and every caveat,
before they apply (DOMAIN.md failures 4 and 5).
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from registrants import services as registrant_services
from registrants.models import Registrant
from staffing.decorators import role_required
from staffing.models import Role

from .. import findings
from ..matching.commute import DEFAULT_ESTIMATOR, location_for_postal_code, municipality_location
from ..matching.scoring import (
    W_COMMUTE,
    W_CONTRACT,
    W_PAY,
    W_PREFERRED,
    W_RECENCY,
    W_REQUIRED,
    W_SKILLS,
    W_START,
)
from ..matching_adapter import explain_pair
from ..models import Application, DutyCategory, Job, JobConfidential, JobDuty
from ..models.taxonomy import Duty
from ..services import PlacementRefused

PAGE_SIZE = 20
# What a result card shows: sorting thousands of cases is cheaper without their descriptions.
CARD_FIELDS = (
    "title",
    "status",
    "prefecture",
    "city",
    "place",
    "hourly_wage",
    "transport_allowance",
    "start",
    "end",
    "published_at",
    "duty_category__code",
    "duty_category__name_ja",
    "duty_category__name_en",
)

# JIS X 0401 order, north to south: how Japanese sites list prefectures.
PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)  # fmt: skip

FACTOR_POINTS = {
    "required_duties": W_REQUIRED,
    "preferred_duties": W_PREFERRED,
    "skills": W_SKILLS,
    "recency": W_RECENCY,
    "pay": W_PAY,
    "commute": W_COMMUTE,
    "contract": W_CONTRACT,
    "start": W_START,
}


# --- Search ----------------------------------------------------------------------------------


class JobSearchForm(forms.Form):
    """The search filters; every one is optional and lives in the URL."""

    SORTS = [
        ("new", gettext_lazy("Newest first")),
        ("wage", gettext_lazy("Highest pay")),
        ("start", gettext_lazy("Earliest start")),
        ("near", gettext_lazy("Nearest to the postal code")),
        ("fit", gettext_lazy("Best fit for me")),
    ]
    LENGTHS = [
        ("", gettext_lazy("Any length")),
        ("short", gettext_lazy("Up to 3 months")),
        ("medium", gettext_lazy("3 to 6 months")),
        ("long", gettext_lazy("Over 6 months or open-ended")),
    ]
    ALLOWANCES = [
        ("", gettext_lazy("Any")),
        ("paid", gettext_lazy("Paid (in full or up to a cap)")),
        ("full", gettext_lazy("Paid in full")),
    ]
    WITHIN = [
        (30, gettext_lazy("within 30 minutes")),
        (45, gettext_lazy("within 45 minutes")),
        (60, gettext_lazy("within 60 minutes")),
        (90, gettext_lazy("within 90 minutes")),
    ]

    q = forms.CharField(label=gettext_lazy("Keywords"), required=False, max_length=100)
    pref = forms.ChoiceField(label=gettext_lazy("Prefecture"), required=False)
    city = forms.CharField(label=gettext_lazy("City or ward"), required=False, max_length=50)
    near = forms.CharField(label=gettext_lazy("Near postal code"), required=False, max_length=10)
    within = forms.TypedChoiceField(
        label=gettext_lazy("Commute"), choices=WITHIN, coerce=int, required=False, empty_value=60
    )
    category = forms.ChoiceField(label=gettext_lazy("Duty category"), required=False)
    min_wage = forms.IntegerField(
        label=gettext_lazy("Minimum pay (yen an hour)"),
        required=False,
        min_value=0,
        max_value=100_000,
    )
    allowance = forms.ChoiceField(
        label=gettext_lazy("Transport allowance"), choices=ALLOWANCES, required=False
    )
    length = forms.ChoiceField(
        label=gettext_lazy("Contract length"), choices=LENGTHS, required=False
    )
    start = forms.CharField(
        label=gettext_lazy("Starts in (month)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
    )
    sort = forms.ChoiceField(label=gettext_lazy("Sort"), choices=SORTS, required=False)

    def __init__(self, *args, registrant: Registrant | None = None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.registrant = registrant
        facets = search_facets()
        self.fields["pref"].choices = [("", _("All prefectures"))] + [
            (name, name) for name in facets["prefectures"]
        ]
        english = (get_language() or "ja").startswith("en")
        self.fields["category"].choices = [("", _("All categories"))] + [
            (code, name_en if english else name_ja)
            for code, name_ja, name_en in facets["categories"]
        ]
        if registrant is None:
            self.fields["sort"].choices = self.SORTS[:-1]

    def clean_near(self) -> str:
        code = self.cleaned_data["near"].strip()
        if code and location_for_postal_code(code) is None:
            raise forms.ValidationError(
                _("We do not know the postal code %(code)s. Enter 7 digits, e.g. 100-0005."),
                params={"code": code},
            )
        return code

    def clean_start(self) -> datetime.date | None:
        value = self.cleaned_data["start"].strip()
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2027-04.")) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sort") == "near" and not cleaned.get("near"):
            self.add_error("near", _("Enter a postal code to sort by distance."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters only: a mistake in one field does not empty the whole list."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


FACETS_KEY, FACETS_SECONDS = "jobs:search-facets", 60


def search_facets() -> dict:
    """The prefectures, municipalities and duty categories the filters offer.

    Cached for a minute: they change only when a case opens in a new town, and three fewer
    queries per search keep the page fast at agency scale (bench/search.py).
    """
    return cache.get_or_set(FACETS_KEY, _facets, FACETS_SECONDS)


def _facets() -> dict:
    open_jobs = Job.objects.open().order_by()
    present = set(open_jobs.values_list("prefecture", flat=True).distinct())
    cities = open_jobs.exclude(city="").values_list("prefecture", "city").distinct()
    return {
        "prefectures": [name for name in PREFECTURES if name in present],
        "cities": sorted(cities),
        "categories": list(
            DutyCategory.objects.filter(duties__prohibited=False)
            .distinct()
            .order_by("sort_order", "code")
            .values_list("code", "name_ja", "name_en")
        ),
    }


@lru_cache(maxsize=4096)
def _city_point(prefecture: str, city: str):
    return municipality_location(prefecture, city)


def cities_within(postal_code: str, minutes: int) -> dict[tuple[str, str], float]:
    """Municipalities with open cases whose estimated commute from ``postal_code`` fits.

    Case locations are municipality points (see ``jobs.matching.commute``), so the few hundred
    distinct towns are measured instead of thousands of cases.
    """
    origin = location_for_postal_code(postal_code)
    if origin is None:
        return {}
    found = {}
    for prefecture, city in search_facets()["cities"]:
        point = _city_point(prefecture, city)
        if point is None:
            continue
        estimate = DEFAULT_ESTIMATOR.minutes(origin, point)
        if estimate <= minutes:
            found[(prefecture, city)] = estimate
    return found


def search_jobs(filters: dict, *, registrant: Registrant | None = None) -> QuerySet:
    """Open cases matching ``filters`` (cleaned ``JobSearchForm`` data), sorted."""
    jobs = Job.objects.open().select_related("duty_category").only(*CARD_FIELDS)
    for word in filters.get("q", "").split():
        matches = Q(title__icontains=word) | Q(description__icontains=word)
        matches |= Q(place__icontains=word)
        # The few duty ids first: a constant list keeps the planner's estimate (and PostgreSQL's
        # JIT threshold) where it belongs.
        duty_ids = list(
            Duty.objects.filter(
                Q(name_ja__icontains=word) | Q(name_en__icontains=word)
            ).values_list("pk", flat=True)
        )
        if duty_ids:
            matches |= Exists(JobDuty.objects.filter(job=OuterRef("pk"), duty_id__in=duty_ids))
        jobs = jobs.filter(matches)
    if "pref" in filters:
        jobs = jobs.in_prefecture(filters["pref"])
    if "city" in filters:
        jobs = jobs.filter(city__icontains=filters["city"])
    nearby = {}
    if "near" in filters:
        nearby = cities_within(filters["near"], filters.get("within", 60))
        by_prefecture: dict[str, list[str]] = {}
        for prefecture, city in nearby:
            by_prefecture.setdefault(prefecture, []).append(city)
        near = Q(pk__in=[])
        for prefecture, cities in by_prefecture.items():
            near |= Q(prefecture=prefecture, city__in=cities)
        jobs = jobs.filter(near)
    if "category" in filters:
        code = filters["category"]
        duty_ids = list(Duty.objects.filter(category__code=code).values_list("pk", flat=True))
        in_category = JobDuty.objects.filter(job=OuterRef("pk"), duty_id__in=duty_ids)
        jobs = jobs.filter(Q(duty_category__code=code) | Exists(in_category))
    if "min_wage" in filters:
        jobs = jobs.filter(hourly_wage__gte=filters["min_wage"])
    if filters.get("allowance") == "paid":
        jobs = jobs.exclude(transport_allowance=Job.TransportAllowance.NONE)
    elif filters.get("allowance") == "full":
        jobs = jobs.filter(transport_allowance=Job.TransportAllowance.FULL)
    jobs = _with_length(jobs, filters.get("length"))
    if "start" in filters:
        first = filters["start"]
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        jobs = jobs.filter(start__gte=first, start__lt=following)
    # Both annotations always exist: the job card reads them, and a missing attribute costs a
    # template lookup failure per card.
    if registrant is not None:
        mine = Q(matches__registrant=registrant, matches__eligible=True)
        jobs = jobs.annotate(my_match=FilteredRelation("matches", condition=mine)).annotate(
            fit_score=F("my_match__score")
        )
    else:
        jobs = jobs.annotate(fit_score=Value(None, output_field=FloatField()))
    if not nearby:
        jobs = jobs.annotate(commute_minutes=Value(None, output_field=FloatField()))
    else:
        jobs = jobs.annotate(
            commute_minutes=Case(
                *(
                    When(prefecture=prefecture, city=city, then=Value(round(minutes)))
                    for (prefecture, city), minutes in nearby.items()
                ),
                output_field=FloatField(),
            )
        )
    return jobs.order_by(
        *_ordering(filters.get("sort"), nearby=bool(nearby), registrant=registrant)
    )


def _with_length(jobs: QuerySet, length: str | None) -> QuerySet:
    three_months, six_months = datetime.timedelta(days=92), datetime.timedelta(days=183)
    if length == "short":
        return jobs.filter(end__isnull=False, end__lt=F("start") + three_months)
    if length == "medium":
        return jobs.filter(end__gte=F("start") + three_months, end__lt=F("start") + six_months)
    if length == "long":
        return jobs.filter(Q(end__isnull=True) | Q(end__gte=F("start") + six_months))
    return jobs


def _ordering(sort: str | None, *, nearby: bool, registrant: Registrant | None) -> list:
    if sort == "wage":
        return ["-hourly_wage", "-pk"]
    if sort == "start":
        return ["start", "-pk"]
    if sort == "near" and nearby:
        return ["commute_minutes", "-hourly_wage", "-pk"]
    if sort == "fit" and registrant is not None:
        return [F("fit_score").desc(nulls_last=True), "-pk"]
    return [F("published_at").desc(nulls_last=True), "-pk"]


def paginate(jobs: QuerySet, number) -> Page:
    """The page of ``jobs`` and the total in one query (a window count), not two scans."""
    paginator = Paginator(jobs, PAGE_SIZE)
    try:
        number = max(1, int(number))
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * PAGE_SIZE
    rows = list(jobs.annotate(total=Window(Count("pk")))[offset : offset + PAGE_SIZE])
    if not rows and number > 1:
        return paginator.get_page(number)  # past the end: the last page, as get_page does
    paginator.count = rows[0].total if rows else 0
    return Page(rows, number, paginator)


@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    registrant = _registrant_or_none(request)
    data = request.GET.copy()
    data.setdefault("within", "60")
    form = JobSearchForm(data, registrant=registrant)
    page = paginate(search_jobs(form.filters(), registrant=registrant), request.GET.get("page"))
    # Going back to a page htmx did not keep asks for the whole page again.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "jobs/job_search.html#results" if partial else "jobs/job_search.html"
    context = {"form": form, "page": page, "cities": search_facets()["cities"]}
    return render(request, template, context)


# --- The job page and applying ---------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    label: str
    points: float
    maximum: float

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.maximum) if self.maximum else 0


def present_fit(fit) -> dict:
    """A live ``PairView`` or a stored ``Match`` in words: score, reasons, caveats, blocks."""
    factors = fit.factors or {}
    return {
        "score": fit.score,
        "eligible": fit.eligible,
        "reasons": [
            Reason(findings.factor_label(name), factors[name], FACTOR_POINTS.get(name, 0))
            for name in findings.FACTOR_ORDER
            if name in factors
        ],
        "caveats": findings.describe_all(fit.caveats, block=False),
        "blocks": findings.describe_all(fit.blocks, block=True),
        # Required duties first: those are the ones a client turns people down for.
        "coverage": None
        if getattr(fit, "coverage", None) is None
        else sorted(fit.coverage, key=lambda item: item.kind != JobDuty.Kind.REQUIRED),
    }


def _registrant_or_none(request: HttpRequest) -> Registrant | None:
    if not (request.user.is_authenticated and request.user.has_role(Role.REGISTRANT)):
        return None
    return Registrant.objects.filter(user=request.user).first()


def confidential_for(application: Application | None) -> JobConfidential | None:
    """The case's confidential part, for a registrant whose application passed screening."""
    if application is None or not application.confidential_unlocked:
        return None
    return JobConfidential.objects.filter(job_id=application.job_id).first()


def _job_page_context(request: HttpRequest, job: Job, **extra) -> dict:
    registrant = _registrant_or_none(request)
    context = {"job": job, "registrant": registrant, **extra}
    if registrant is not None:
        application = Application.objects.filter(job=job, registrant=registrant).first()
        context.update(
            fit=present_fit(explain_pair(job=job, registrant=registrant)),
            application=application,
            confidential=confidential_for(application),
        )
    return context


@vary_on_headers("HX-Request")
def detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to_public().with_public_relations(), pk=job_id)
    return render(request, "jobs/job_detail.html", _job_page_context(request, job))


@require_POST
@role_required(Role.REGISTRANT)
def apply(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to_public().with_public_relations(), pk=job_id)
    registrant = _registrant_or_none(request)
    if registrant is None:
        raise Http404("No registrant record for this login")
    refusal, created = [], False
    try:
        _application, created = registrant_services.apply_for_job(
            job=job, registrant=registrant, by=request.user
        )
    except registrant_services.BlockedPair as blocked:
        refusal = blocked.reasons
    except PlacementRefused as refused:
        refusal = [str(refused)]
    if request.htmx:
        context = _job_page_context(request, job, refusal=refusal, just_applied=created)
        return render(request, "jobs/job_detail.html#apply-panel", context)
    if refusal:
        messages.error(request, " ".join(refusal))
    elif created:
        messages.success(request, _("Your application was sent. Here is what happens next."))
    else:
        messages.info(request, _("You have already applied to this job; nothing new was sent."))
    return redirect("jobs:detail", job_id=job.pk)
