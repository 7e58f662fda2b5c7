"""Screenshots of the registrant portal, in Japanese and English.

Against a running server with the demo data (``manage.py seed_demo``), e.g.::

    VAR_DIR=/tmp/shots .venv/bin/python manage.py migrate
    VAR_DIR=/tmp/shots .venv/bin/python manage.py seed_demo
    VAR_DIR=/tmp/shots .venv/bin/python manage.py runserver 127.0.0.1:8765 --noreload &
    VAR_DIR=/tmp/shots .venv/bin/python docs/screenshots/take.py --base-url http://127.0.0.1:8765

Run it with the server's environment (VAR_DIR or DATABASE_URL): before taking pictures it gives
the demo registrant a proposal, an application that passed screening and one just applied to, so
that every page has something to show. Writes ``docs/screenshots/<page>-<ja|en>.png``.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffing.settings")

REGISTRANT = "hanako@demo.nakadachi.jp"
PASSWORD = "nakadachi-demo"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
CHROMIUM_ARGS += ["--disable-background-networking"]


def prepare() -> dict:
    """Give the demo registrant something on every page; returns the ids the pages need."""
    import django

    django.setup()
    from django.db.models import Count

    from jobs import matching_adapter, workflow
    from jobs.models import Application, Job, Status
    from registrants.models import Registrant
    from staffing.models import User

    registrant = Registrant.objects.get(user__email=REGISTRANT)
    sales = User.objects.get(email="sales@demo.nakadachi.jp")
    coordinator = User.objects.get(email="coordinator@demo.nakadachi.jp")
    matching_adapter.rank_registrant(registrant_id=registrant.pk)
    eligible = list(
        Job.objects.open()
        .filter(matches__registrant=registrant, matches__eligible=True)
        .annotate(duties_count=Count("duties"))
        .filter(duties_count__gt=0)
        .order_by("-matches__score")
    )
    taken = set(Application.objects.filter(registrant=registrant).values_list("job", flat=True))
    free = [job for job in eligible if job.pk not in taken]
    ids = {}
    passed = Application.objects.filter(registrant=registrant, status=Status.PASSED).first()
    if passed is None:
        passed = workflow.start(
            job=free.pop(0), registrant=registrant, status=Status.APPLIED, by=registrant.user
        )
        workflow.transition(passed, Status.SCREENING, by=sales, note="経歴を確認しています。")
        workflow.transition(
            passed, Status.PASSED, by=sales, note="通過です。非公開情報をご確認ください。"
        )
    ids["passed"] = passed.pk
    proposal = Application.objects.filter(registrant=registrant, status=Status.PROPOSED).first()
    if proposal is None:
        proposal = workflow.start(
            job=free.pop(0),
            registrant=registrant,
            status=Status.PROPOSED,
            by=coordinator,
            proposed_by=coordinator,
            proposal_message="経理のご経験が活かせる案件です。注意点もご確認のうえご検討ください。",
            caveats_stated=True,
        )
    ids["proposal"] = proposal.pk
    ids["apply"] = free[0].pk
    ids["story"] = Job.objects.get(ref=_story_ref()).pk
    return ids


def _story_ref() -> str:
    from jobs.models import Job

    return Job.objects.order_by("ref").values_list("ref", flat=True).first()


def shoot(base_url: str, ids: dict) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        for language in ("ja", "en"):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
            page = context.new_page()

            def save(name: str, *, full: bool = True, page=page, language=language) -> None:
                path = OUT / f"{name}-{language}.png"
                page.screenshot(path=str(path), full_page=full)
                written.append(path)

            page.goto(f"{base_url}/jobs/?category=accounting&min_wage=1500&sort=wage")
            save("search")
            page.goto(f"{base_url}/jobs/{ids['story']}/")
            save("job-public")
            page.goto(f"{base_url}/accounts/login/")
            page.locator("input[name=username]").fill(REGISTRANT)
            page.locator("input[name=password]").fill(PASSWORD)
            page.locator("form button[type=submit]").last.click()
            page.wait_for_load_state()
            page.goto(f"{base_url}/me/")
            save("dashboard")
            page.goto(f"{base_url}/jobs/{ids['story']}/")
            save("job-registrant")
            page.goto(f"{base_url}/me/jobs/")
            save("jobs-for-you")
            page.goto(f"{base_url}/jobs/{ids['apply']}/")
            if page.locator("#apply-panel button").count() and language == "ja":
                page.locator("#apply-panel button").click()
                page.locator("#apply-panel .message").wait_for()
            save("apply")
            page.goto(f"{base_url}/me/applications/")
            save("applications")
            page.goto(f"{base_url}/me/applications/{ids['passed']}/")
            save("application")
            page.goto(f"{base_url}/me/proposals/")
            save("proposals")
            page.goto(f"{base_url}/me/proposals/{ids['proposal']}/")
            save("proposal")
            page.goto(f"{base_url}/me/profile/?edit=conditions#section-conditions")
            save("profile")
            page.goto(f"{base_url}/me/data/")
            save("my-data")
            context.close()

            phone = browser.new_context(
                viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
            )
            phone.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
            page = phone.new_page()
            page.goto(f"{base_url}/jobs/?pref=東京都")
            save("phone-search", full=False, page=page)
            page.goto(f"{base_url}/jobs/{ids['story']}/")
            save("phone-job", full=False, page=page)
            phone.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    ids = prepare()
    for path in shoot(args.base_url.rstrip("/"), ids):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
