"""Benchmark: import a large nakadachi/v1 file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nakadachi_bench \\
        .venv/bin/python bench/import_data.py --registrants 100000 --jobs 5000 --out var/bench.json

Generates a deterministic file (the shipped taxonomy, clients with establishments and units,
registrants with ~15 duty experiences each, job cases), then in child processes empties the
database (``flush``: so its name must contain "bench"; run ``manage.py migrate`` on it first),
imports the file and imports it a second time (which must write nothing). Prints the times and
the import's peak RSS; the last line is one JSON object. Without DATABASE_URL it uses SQLite at
var/bench.sqlite3 (migrated here).
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY = json.loads((ROOT / "jobs" / "data" / "taxonomy.json").read_text(encoding="utf-8"))
POSTAL_CODES = [
    "100-0005",
    "104-0061",
    "105-0011",
    "108-0075",
    "110-0005",
    "130-0022",
    "135-0064",
    "140-0014",
    "141-0032",
    "150-0002",
    "151-0053",
    "160-0023",
    "170-0013",
    "171-0022",
    "220-0012",
    "231-0023",
    "330-0846",
    "260-0028",
    "460-0008",
    "530-0001",
    "541-0041",
    "650-0021",
    "812-0011",
    "980-0021",
    "060-0005",
    "730-0011",
    "604-8005",
    "450-0002",
]
FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田"]
GIVEN = ["花子", "美咲", "翔", "健一", "直美", "陽菜", "大輔", "彩", "誠", "結衣", "蓮", "葵"]


def corporate_number(base: int) -> str:
    digits = f"{base:012d}"
    total = sum(int(d) * (2 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits), 1))
    return f"{9 - total % 9}{digits}"


def day(rng: random.Random, start: date, span_days: int) -> date:
    return start + timedelta(days=rng.randrange(span_days))


def generate(path: Path, registrants: int, jobs: int, seed: int) -> None:
    rng = random.Random(seed)
    duties = [d["code"] for d in TAXONOMY["duties"] if not d["prohibited"]]
    categories = [c["code"] for c in TAXONOMY["duty_categories"]]
    skills = [s["code"] for s in TAXONOMY["skills"]]
    qualifications = [q["code"] for q in TAXONOMY["qualifications"]]
    clients, units = [], []
    for c in range(max(10, jobs // 20)):
        establishments = []
        for e in range(2):
            unit_records = [{"ref": f"U{c:05d}-{e}-{u}", "name": f"第{u + 1}課"} for u in range(3)]
            units.extend(r["ref"] for r in unit_records)
            establishments.append(
                {
                    "ref": f"E{c:05d}-{e}",
                    "name": f"事業所{e + 1}",
                    "postal_code": rng.choice(POSTAL_CODES),
                    "address": "",
                    "conflict_date": day(rng, date(2026, 1, 1), 1000).isoformat(),
                    "units": unit_records,
                }
            )
        clients.append(
            {
                "ref": f"C{c:05d}",
                "name": f"株式会社ベンチ{c}",
                "corporate_number": corporate_number(1_000_000 + c),
                "industry": "製造",
                "establishments": establishments,
            }
        )

    def registrant(i: int) -> dict:
        start = date(2015, 1, 1)
        assignments = []
        for _ in range(rng.randrange(4)):
            begin = day(rng, start, 400)
            end = begin + timedelta(days=rng.randrange(60, 700))
            assignments.append(
                {
                    "unit": rng.choice(units),
                    "start": begin.isoformat(),
                    "end": end.isoformat(),
                    "hourly_wage": rng.randrange(1200, 2500),
                    "hourly_bill_rate": rng.randrange(1800, 3800),
                }
            )
            start = end + timedelta(days=30)
        low = rng.choice([None, 3, 6])
        return {
            "ref": f"R{i:07d}",
            "family_name": rng.choice(FAMILY),
            "given_name": rng.choice(GIVEN),
            "family_name_kana": "ヤマダ",
            "given_name_kana": "ハナコ",
            "email": f"r{i}@example.jp",
            "phone": f"090-{i // 10000:04d}-{i % 10000:04d}",
            "birth_date": day(rng, date(1960, 1, 1), 15000).isoformat(),
            "postal_code": rng.choice(POSTAL_CODES),
            "agency_employment": rng.choice(["fixed_term", "fixed_term", "indefinite"]),
            "desired": {
                "duty_categories": rng.sample(categories, rng.randrange(1, 4)),
                "min_hourly_wage": rng.randrange(1100, 2200, 50),
                "contract_months_min": low,
                "contract_months_max": low and low + 6,
                "accepts_concurrent": rng.random() < 0.2,
            },
            "experience": [
                {
                    "duty": duty,
                    "months": rng.randrange(1, 120),
                    "last_year": rng.randrange(2005, 2026),
                }
                for duty in rng.sample(duties, rng.randrange(10, 21))
            ],
            "skills": rng.sample(skills, rng.randrange(0, 6)),
            "qualifications": rng.sample(qualifications, rng.randrange(0, 3)),
            "employment_history": [
                {
                    "employer_corporate_number": corporate_number(5_000_000 + rng.randrange(10**6)),
                    "employer_name": "株式会社前職",
                    "start": f"{2000 + n * 5}-04-01",
                    "end": f"{2004 + n * 5}-03-31",
                    "type": "regular",
                }
                for n in range(rng.randrange(3))
            ],
            "assignments": assignments,
            "registered_at": f"{day(rng, date(2015, 1, 1), 3000).isoformat()}T10:00:00+09:00",
        }

    def job(i: int) -> dict:
        picked = rng.sample(duties, rng.randrange(2, 7))
        cut = rng.randrange(1, len(picked))
        start = day(rng, date(2026, 1, 1), 300)
        return {
            "ref": f"J{i:06d}",
            "unit": rng.choice(units),
            "duty_category": rng.choice(categories),
            "title": f"案件{i}",
            "description": "業務内容の説明。" * 5,
            "required": [{"duty": d, "min_months": rng.randrange(0, 36)} for d in picked[:cut]],
            "preferred": [{"duty": d, "min_months": rng.randrange(0, 12)} for d in picked[cut:]],
            "skills": rng.sample(skills, rng.randrange(0, 4)),
            "qualifications": rng.sample(qualifications, rng.randrange(0, 2)),
            "hourly_wage": rng.randrange(1200, 2600, 10),
            "transport_allowance": rng.choice(["none", "full", {"cap_per_month": 20000}]),
            "start": start.isoformat(),
            "end": (start + timedelta(days=180)).isoformat(),
            "postal_code": rng.choice(POSTAL_CODES),
            "status": rng.choice(["open", "draft"]),
            "created_at": "2025-12-01T09:00:00+09:00",
            "confidential": {"reason": "増員", "bill_rate": rng.randrange(1800, 3800)},
        }

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n "format": "nakadachi/v1"')
        sections = {
            **{
                key: (len(TAXONOMY[key]), TAXONOMY[key].__getitem__)
                for key in ("duty_categories", "skills", "qualifications", "duties")
            },
            "clients": (len(clients), clients.__getitem__),
            "jobs": (jobs, job),
            "registrants": (registrants, registrant),
        }
        for key, (count, make) in sections.items():
            out.write(f',\n "{key}": [')
            for i in range(count):
                text = json.dumps(make(i), ensure_ascii=False, indent=1)
                out.write(("\n" if i == 0 else ",\n") + "  " + text.replace("\n", "\n  "))
            out.write("\n ]" if count else "]")
        out.write("\n}\n")


def manage(*args: str, env: dict) -> tuple[float, float]:
    """Run a manage.py command; its wall time and its CPU time (the machine may be shared)."""
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args, "--skip-checks"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    return time.perf_counter() - started, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrants", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=5_000)
    parser.add_argument("--out", default="var/bench.json")
    parser.add_argument("--seed", type=int, default=20_240_401)
    args = parser.parse_args()

    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    if "bench" not in env["DATABASE_URL"].rsplit("/", 1)[-1]:
        sys.exit(
            "bench/import_data.py empties its database: point DATABASE_URL at one whose "
            "name contains 'bench', e.g. postgres://…/nakadachi_bench"
        )
    path = ROOT / args.out
    started = time.perf_counter()
    generate(path, args.registrants, args.jobs, args.seed)
    file_mb = path.stat().st_size / 2**20
    print(
        f"generated {path} ({file_mb:.1f} MiB) in {time.perf_counter() - started:.1f}s",
        file=sys.stderr,
    )

    if env["DATABASE_URL"].startswith("sqlite"):
        manage("migrate", "--no-input", "-v0", env=env)
    manage("flush", "--no-input", "-v0", env=env)
    import_s, import_cpu_s = manage("import_data", str(path), "--progress-every", "20000", env=env)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    reimport_s, reimport_cpu_s = manage("import_data", str(path), "--progress-every", "0", env=env)

    print(
        f"import: {import_s:.1f}s ({import_cpu_s:.1f}s CPU in the importer), peak RSS "
        f"{peak_rss_mb:.0f} MiB; second import (no changes): {reimport_s:.1f}s "
        f"({reimport_cpu_s:.1f}s CPU)",
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "registrants": args.registrants,
                "jobs": args.jobs,
                "import_s": round(import_s, 1),
                "peak_rss_mb": round(peak_rss_mb),
                "file_mb": round(file_mb, 1),
                "import_cpu_s": round(import_cpu_s, 1),
                "reimport_s": round(reimport_s, 1),
                "reimport_cpu_s": round(reimport_cpu_s, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
