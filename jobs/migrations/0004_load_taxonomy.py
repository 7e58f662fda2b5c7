"""Load the shipped duty taxonomy (jobs/data/taxonomy.json, nakadachi/v1) into every database.

Uses the historical models, not the importer, so this migration keeps working whatever the models
become later. Codes that already exist are left as they are: an agency may have renamed them.
The order in the file becomes sort_order (10, 20, …) unless a record gives its own.
"""

import json
from pathlib import Path

from django.db import migrations

TAXONOMY = Path(__file__).resolve().parent.parent / "data" / "taxonomy.json"
LISTS = [
    ("duty_categories", "DutyCategory"),
    ("skills", "Skill"),
    ("qualifications", "Qualification"),
    ("duties", "Duty"),
]


def load_taxonomy(apps, schema_editor):
    data = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    categories = {}
    for key, model_name in LISTS:
        model = apps.get_model("jobs", model_name)
        existing = set(model.objects.values_list("code", flat=True))
        new = []
        for position, record in enumerate(data.get(key, []), start=1):
            if record["code"] in existing:
                continue
            fields = {
                "code": record["code"],
                "name_ja": record["name_ja"],
                "name_en": record["name_en"],
                "sort_order": record.get("sort_order", position * 10),
            }
            if model_name == "Duty":
                fields["category_id"] = categories[record["category"]]
                fields["day_dispatch_exempt"] = record.get("day_dispatch_exempt", False)
                fields["prohibited"] = record.get("prohibited", False)
            new.append(model(**fields))
        model.objects.bulk_create(new)
        if model_name == "DutyCategory":
            categories = dict(model.objects.values_list("code", "pk"))


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0003_initial"),
    ]

    operations = [
        migrations.RunPython(load_taxonomy, migrations.RunPython.noop),
    ]
