from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.vary import vary_on_headers

from ..models import Job

PAGE_SIZE = 20


@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.open().select_related("duty_category").order_by("-published_at", "-pk")
    query = request.GET.get("q", "").strip()
    if query:
        jobs = jobs.filter(Q(title__icontains=query) | Q(description__icontains=query))
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "jobs/job_search.html#results" if request.htmx else "jobs/job_search.html"
    return render(request, template, {"page": page, "query": query})


def detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(
        Job.objects.visible_to_public().with_public_relations(),
        pk=job_id,
    )
    return render(request, "jobs/job_detail.html", {"job": job})
