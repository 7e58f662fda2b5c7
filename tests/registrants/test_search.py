"""Public job search: free text and filters that live in the URL, sorting, pagination, and the
list updated in place by htmx. Only open cases, only public fields."""

import datetime

import pytest
from django.urls import reverse

from jobs.models import DutyCategory, Job, Match

from .conftest import make_job, page_text


def _titles(response) -> list[str]:
    return [job.title for job in response.context["page"]]


@pytest.fixture
def cases(db):
    accounting = DutyCategory.objects.get(code="accounting")
    trade = DutyCategory.objects.get(code="trade")
    return {
        "tokyo": make_job(
            title="経理 東京",
            duty_category=accounting,
            hourly_wage=1700,
            postal_code="100-0005",
            prefecture="東京都",
            city="千代田区",
            start=datetime.date(2027, 1, 4),
            end=datetime.date(2027, 12, 31),
            required={"journal_entry": 12},
        ),
        "yokohama": make_job(
            title="貿易事務 横浜",
            duty_category=trade,
            hourly_wage=1850,
            transport_allowance=Job.TransportAllowance.CAPPED,
            postal_code="220-0011",
            prefecture="神奈川県",
            city="横浜市西区",
            start=datetime.date(2027, 2, 1),
            end=datetime.date(2027, 4, 30),
            required={"trade_documents": 12},
        ),
        "osaka": make_job(
            title="経理 大阪",
            duty_category=accounting,
            hourly_wage=1500,
            transport_allowance=Job.TransportAllowance.NONE,
            postal_code="530-0001",
            prefecture="大阪府",
            city="大阪市北区",
            start=datetime.date(2027, 2, 15),
            end=None,
            required={"invoicing": 6},
        ),
        "closed": make_job(title="経理 終了", status=Job.Status.CLOSED, duty_category=accounting),
        "draft": make_job(title="経理 下書き", status=Job.Status.DRAFT, duty_category=accounting),
    }


@pytest.mark.django_db
def test_only_open_cases_are_listed(client, cases):
    response = client.get(reverse("jobs:search"))

    assert sorted(_titles(response)) == ["経理 大阪", "経理 東京", "貿易事務 横浜"]
    assert "3 件" in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "貿易"}, ["貿易事務 横浜"]),
        ({"q": "請求書"}, ["経理 大阪"]),  # the name of a required duty (請求書発行)
        ({"q": "経理 大阪"}, ["経理 大阪"]),  # every word must match
        ({"pref": "東京都"}, ["経理 東京"]),
        ({"city": "横浜"}, ["貿易事務 横浜"]),
        ({"category": "accounting"}, ["経理 大阪", "経理 東京"]),
        ({"min_wage": "1600"}, ["経理 東京", "貿易事務 横浜"]),
        ({"allowance": "paid"}, ["経理 東京", "貿易事務 横浜"]),
        ({"allowance": "full"}, ["経理 東京"]),
        ({"length": "short"}, ["貿易事務 横浜"]),
        ({"length": "long"}, ["経理 大阪", "経理 東京"]),
        ({"start": "2027-02"}, ["経理 大阪", "貿易事務 横浜"]),
        ({"near": "150-0002", "within": "90"}, ["経理 東京", "貿易事務 横浜"]),
        ({"near": "150-0002", "within": "60"}, ["経理 東京"]),
        ({"near": "150-0002", "within": "30"}, ["経理 東京"]),
    ],
)
def test_each_filter(client, cases, query, expected):
    response = client.get(reverse("jobs:search"), query)

    assert sorted(_titles(response)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("wage", ["貿易事務 横浜", "経理 東京", "経理 大阪"]),
        ("start", ["経理 東京", "貿易事務 横浜", "経理 大阪"]),
    ],
)
def test_sorting(client, cases, sort, expected):
    assert _titles(client.get(reverse("jobs:search"), {"sort": sort})) == expected


@pytest.mark.django_db
def test_sorting_by_distance_shows_the_commute(client, cases):
    response = client.get(
        reverse("jobs:search"), {"near": "150-0002", "within": "90", "sort": "near"}
    )

    assert _titles(response) == ["経理 東京", "貿易事務 横浜"]
    text = page_text(response)
    assert "経理 東京 東京都千代田区 · 約26分" in text
    assert "貿易事務 横浜 神奈川県横浜市西区 · 約62分" in text


@pytest.mark.django_db
def test_a_registrant_can_sort_by_their_fit(my_client, me, cases):
    Match.objects.create(job=cases["osaka"], registrant=me, score=91.0, eligible=True)
    Match.objects.create(job=cases["tokyo"], registrant=me, score=55.0, eligible=True)

    response = my_client.get(reverse("jobs:search"), {"sort": "fit"})

    assert _titles(response) == ["経理 大阪", "経理 東京", "貿易事務 横浜"]
    assert "あなたとの適合度：91/100" in page_text(response)


@pytest.mark.django_db
def test_a_bad_postal_code_is_explained_next_to_its_field_and_the_rest_still_filters(client, cases):
    response = client.get(reverse("jobs:search"), {"near": "999-9999", "pref": "東京都"})

    assert _titles(response) == ["経理 東京"]
    assert response.context["form"].errors == {
        "near": ["郵便番号 999-9999 が見つかりません。7桁で入力してください（例：100-0005）。"]
    }
    html = response.content.decode()
    field = html.split('class="field field-near"')[1].split("</div>\n        </div>")[0]
    assert "郵便番号 999-9999 が見つかりません" in field


@pytest.mark.django_db
def test_htmx_gets_only_the_results_and_the_field_errors_out_of_band(client, cases):
    response = client.get(
        reverse("jobs:search"),
        {"pref": "大阪府", "min_wage": "abc"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html and 'id="search-form"' not in html
    assert "経理 大阪" in html and "経理 東京" not in html
    assert '<div id="errors-min_wage" hx-swap-oob="true"><ul class="errorlist"' in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_going_back_to_a_url_htmx_did_not_keep_returns_the_whole_page_with_its_filters(
    client, cases
):
    response = client.get(
        reverse("jobs:search"),
        {"pref": "大阪府"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    html = response.content.decode()
    assert "<html" in html
    assert '<option value="大阪府" selected>大阪府</option>' in html
    assert _titles(response) == ["経理 大阪"]


@pytest.mark.django_db
def test_pages_keep_the_filters_in_their_links(client, db):
    for n in range(23):
        make_job(title=f"経理 {n:02d}", prefecture="東京都", hourly_wage=1500 + n)

    first = client.get(reverse("jobs:search"), {"pref": "東京都", "sort": "wage"})
    second = client.get(reverse("jobs:search"), {"pref": "東京都", "sort": "wage", "page": "2"})

    assert len(first.context["page"]) == 20
    assert _titles(second) == ["経理 02", "経理 01", "経理 00"]
    html = first.content.decode()
    assert 'href="?pref=%E6%9D%B1%E4%BA%AC%E9%83%BD&amp;sort=wage&amp;page=2"' in html
    assert 'hx-get="?pref=%E6%9D%B1%E4%BA%AC%E9%83%BD&amp;sort=wage&amp;page=2"' in html
    assert "前へ" not in page_text(first) and "次へ" in page_text(first)


@pytest.mark.django_db
def test_a_page_past_the_end_shows_the_last_page(client, cases):
    response = client.get(reverse("jobs:search"), {"page": "9"})

    assert (response.context["page"].number, len(response.context["page"])) == (1, 3)


@pytest.mark.django_db
def test_a_category_also_finds_cases_by_their_duties(client, db):
    make_job(title="分類なし 経理", duty_category=None, required={"invoicing": 6})
    make_job(title="分類なし 受付", duty_category=None, required={"reception": 6})

    response = client.get(reverse("jobs:search"), {"category": "accounting"})

    assert _titles(response) == ["分類なし 経理"]


@pytest.mark.django_db
def test_a_search_takes_the_same_few_queries_however_many_cases_match(
    client, cases, django_assert_max_num_queries
):
    for n in range(30):
        make_job(title=f"経理 追加{n}", prefecture="東京都", required={"journal_entry": 6})
    client.get(reverse("jobs:search"))  # fills the cached filter choices

    # The page with its total (one query), the agency's settings for the layout.
    with django_assert_max_num_queries(2):
        response = client.get(reverse("jobs:search"), {"pref": "東京都"})

    assert len(response.context["page"]) == 20
