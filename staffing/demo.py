"""Realistic Japanese demo data as one ``nakadachi/v1`` document, the same on every run.

Dates are anchored on the first day of the current month, so seeding twice in a month changes
nothing and the demo never looks stale.
"""

import datetime
import json
import random
from pathlib import Path

from jobs.models.clients import corporate_number_check_digit

TAXONOMY = json.loads(
    (Path(__file__).resolve().parent.parent / "jobs/data/taxonomy.json").read_text()
)

FAMILY = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("清水", "シミズ"),
    ("山口", "ヤマグチ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
]
GIVEN = [
    ("美咲", "ミサキ"),
    ("陽子", "ヨウコ"),
    ("直子", "ナオコ"),
    ("由美", "ユミ"),
    ("恵", "メグミ"),
    ("彩", "アヤ"),
    ("真由美", "マユミ"),
    ("久美子", "クミコ"),
    ("健太", "ケンタ"),
    ("大輔", "ダイスケ"),
    ("翔", "ショウ"),
    ("誠", "マコト"),
    ("智子", "トモコ"),
    ("裕子", "ユウコ"),
    ("拓也", "タクヤ"),
    ("さくら", "サクラ"),
    ("千尋", "チヒロ"),
    ("優", "ユウ"),
    ("和也", "カズヤ"),
    ("明美", "アケミ"),
]
# Real postal codes around Tokyo and Osaka, with the nearest station people would name.
PLACES = [
    ("100-0005", "東京駅"),
    ("160-0023", "新宿駅"),
    ("150-0002", "渋谷駅"),
    ("105-0011", "浜松町駅"),
    ("108-0075", "品川駅"),
    ("170-0013", "池袋駅"),
    ("103-0027", "日本橋駅"),
    ("135-0061", "豊洲駅"),
    ("220-0011", "横浜駅"),
    ("330-0854", "大宮駅"),
    ("260-0028", "千葉駅"),
    ("190-0012", "立川駅"),
    ("212-0013", "川崎駅"),
    ("530-0001", "梅田駅"),
    ("541-0041", "淀屋橋駅"),
    ("252-0231", "相模原駅"),
    ("263-0031", "稲毛駅"),
    ("350-1123", "川越駅"),
]
INDUSTRIES = [
    "住宅",
    "保証",
    "総合商社",
    "製薬",
    "銀行",
    "IT",
    "物流",
    "電機メーカー",
    "小売",
    "医療法人",
    "保険",
    "化粧品",
    "食品メーカー",
    "コンタクトレンズ",
]
COMPANY_WORDS = [
    "ひかり",
    "みらい",
    "さくら",
    "あおば",
    "東都",
    "北斗",
    "大和",
    "富士見",
    "青葉",
    "光陽",
    "朝日",
    "若葉",
    "葵",
    "中央",
    "日の出",
    "港南",
]
UNIT_NAMES = [
    "経理課",
    "営業一課",
    "営業二課",
    "総務課",
    "貿易課",
    "人事課",
    "業務課",
    "カスタマーサポート課",
    "医事課",
    "情報システム課",
    "物流センター",
    "受付",
]
TITLES = {
    "general_office": ["一般事務（データ入力中心）", "総合職アシスタント"],
    "sales_office": ["営業事務（受発注）", "営業アシスタント"],
    "accounting": ["経理事務（月次決算補助あり）", "経理・売掛金管理"],
    "trade": ["貿易事務（輸出書類）", "英文事務・貿易"],
    "medical_office": ["医療事務（レセプト）", "病院受付・会計"],
    "call_center": ["インバウンドコール", "テクニカルサポート"],
    "reception_secretary": ["受付・来客対応", "役員秘書"],
    "it": ["ヘルプデスク", "PCキッティング・テスト"],
    "manufacturing": ["検品・梱包", "組立・検査"],
    "retail": ["化粧品販売", "店頭販売スタッフ"],
    "hr_admin": ["人事・採用事務", "総務・庶務"],
    "creative": ["Web更新・DTP", "編集アシスタント"],
}
DEMO_PASSWORD = "nakadachi-demo"


def _corporate_number(rng: random.Random) -> str:
    base = "".join(str(rng.randint(0, 9)) for _ in range(12))
    return f"{corporate_number_check_digit(base)}{base}"


def _month(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    return datetime.date(day.year + index // 12, index % 12 + 1, 1)


def build_demo_document(
    *, registrants: int = 300, clients: int = 30, jobs: int = 60, today: datetime.date | None = None
) -> dict:
    rng = random.Random(20261126)
    anchor = (today or datetime.date.today()).replace(day=1)
    duties_by_category: dict[str, list[str]] = {}
    for duty in TAXONOMY["duties"]:
        if not duty["prohibited"]:
            duties_by_category.setdefault(duty["category"], []).append(duty["code"])
    categories = sorted(duties_by_category)
    skills = [s["code"] for s in TAXONOMY["skills"]]
    qualifications = [q["code"] for q in TAXONOMY["qualifications"]]

    client_docs, units = [], []
    for c in range(clients):
        industry = INDUSTRIES[c % len(INDUSTRIES)]
        name = f"株式会社{COMPANY_WORDS[c % len(COMPANY_WORDS)]}{industry}"
        if c >= len(COMPANY_WORDS):
            name += f"{c // len(COMPANY_WORDS) + 1}"
        establishments = []
        for e in range(rng.randint(1, 2)):
            postal, station = rng.choice(PLACES)
            est_ref = f"C{c + 1:03d}-E{e + 1}"
            unit_docs = []
            for u_name in rng.sample(UNIT_NAMES, rng.randint(1, 3)):
                unit_ref = f"{est_ref}-U{len(unit_docs) + 1}"
                unit_docs.append({"ref": unit_ref, "name": u_name})
                units.append((unit_ref, postal, station, u_name))
            establishments.append(
                {
                    "ref": est_ref,
                    "name": f"{station.removesuffix('駅')}事業所",
                    "postal_code": postal,
                    "conflict_date": _month(anchor, rng.randint(4, 30)).isoformat(),
                }
            )
            establishments[-1]["units"] = unit_docs
        client_docs.append(
            {
                "ref": f"C{c + 1:03d}",
                "name": name,
                "corporate_number": _corporate_number(rng),
                "industry": industry,
                "establishments": establishments,
            }
        )

    registrant_docs = []
    for r in range(registrants):
        family, family_kana = rng.choice(FAMILY)
        given, given_kana = rng.choice(GIVEN)
        postal, station = rng.choice(PLACES)
        home_categories = rng.sample(categories, rng.randint(1, 3))
        experience = {}
        for category in home_categories:
            for code in rng.sample(
                duties_by_category[category],
                min(len(duties_by_category[category]), rng.randint(2, 5)),
            ):
                experience[code] = {
                    "duty": code,
                    "months": rng.choice([3, 6, 10, 12, 18, 24, 36, 60]),
                    "last_year": anchor.year - rng.randint(0, 6),
                }
        wage = rng.choice([1200, 1300, 1400, 1500, 1600, 1700, 1800])
        low = rng.choice([1, 3, 3, 6, 6, 12])
        history = []
        if rng.random() < 0.4:
            unit_ref, *_ = rng.choice(units)
            end = _month(anchor, -rng.randint(2, 30)) - datetime.timedelta(days=1)
            start = _month(end, -rng.randint(3, 24))
            history.append(
                {
                    "unit": unit_ref,
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "hourly_wage": wage + 50,
                    "hourly_bill_rate": int((wage + 50) * 1.4),
                }
            )
        registrant_docs.append(
            {
                "ref": f"R{r + 1:05d}",
                "family_name": family,
                "given_name": given,
                "family_name_kana": family_kana,
                "given_name_kana": given_kana,
                "email": f"r{r + 1:05d}@example.jp",
                "phone": f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                "birth_date": datetime.date(
                    rng.randint(1962, 2004), rng.randint(1, 12), rng.randint(1, 28)
                ).isoformat(),
                "postal_code": postal,
                "nearest_station": station,
                "agency_employment": "indefinite" if rng.random() < 0.1 else "fixed_term",
                "desired": {
                    "duty_categories": sorted(home_categories),
                    "min_hourly_wage": wage,
                    "max_commute_minutes": rng.choice([30, 45, 60, 60, 90]),
                    "contract_months_min": low,
                    "contract_months_max": low + rng.choice([3, 6, 12]),
                    "available_from": _month(anchor, rng.randint(0, 2)).isoformat(),
                    "accepts_concurrent": rng.random() < 0.15,
                    "transport_allowance_required": rng.random() < 0.5,
                },
                "experience": sorted(experience.values(), key=lambda item: item["duty"]),
                "skills": sorted(rng.sample(skills, rng.randint(1, 5))),
                "qualifications": sorted(rng.sample(qualifications, rng.randint(0, 2))),
                "employment_history": [],
                "assignments": history,
            }
        )

    job_docs = []
    for j in range(jobs):
        unit_ref, postal, station, _unit_name = units[j % len(units)]
        category = categories[j % len(categories)]
        pool = duties_by_category[category]
        required = rng.sample(pool, min(len(pool), rng.randint(2, 3)))
        preferred = [code for code in pool if code not in required][:2]
        start = _month(anchor, rng.randint(1, 3))
        months = rng.choice([2, 3, 6, 6, 12])
        end = _month(start, months) - datetime.timedelta(days=1)
        allowance = rng.choice(["full", "full", "none", {"cap_per_month": 20000}])
        job_docs.append(
            {
                "ref": f"J{j + 1:04d}",
                "unit": unit_ref,
                "title": rng.choice(TITLES[category]),
                "description": (
                    "チームの一員として、下記の業務を担当していただきます。"
                    "丁寧な引き継ぎがあります。"
                ),
                "required": [
                    {"duty": code, "min_months": rng.choice([0, 6, 12, 12, 24])}
                    for code in required
                ],
                "preferred": [{"duty": code, "min_months": 0} for code in preferred],
                "skills": sorted(rng.sample(skills, rng.randint(0, 2))),
                "qualifications": sorted(rng.sample(qualifications, rng.randint(0, 1))),
                "hourly_wage": rng.choice([1250, 1400, 1500, 1600, 1750, 1900, 2100]),
                "transport_allowance": allowance,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "employment_contract_days": (end - start).days + 1,
                "headcount": rng.choice([1, 1, 1, 2, 3]),
                "postal_code": postal,
                "status": "open" if j % 10 else "draft",
                "confidential": {
                    "department_detail": "本社ビル 12階",
                    "reason": rng.choice(["産休代替", "増員", "欠員補充"]),
                    "bill_rate": 0,
                    "notes": "前任者は丁寧な電話応対が評価されていた",
                },
            }
        )
        job_docs[-1]["confidential"]["bill_rate"] = int(job_docs[-1]["hourly_wage"] * 1.45)

    return {
        "format": "nakadachi/v1",
        "clients": client_docs,
        "registrants": registrant_docs,
        "jobs": job_docs,
    }
