"""Japanese first, English complete: the catalogue is whole and the committed .mo matches it."""

from pathlib import Path

import polib
import pytest
from django.urls import reverse

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "ja" / "LC_MESSAGES"


def test_every_message_has_a_japanese_translation():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    missing = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert (missing, fuzzy) == ([], [])


def test_the_committed_mo_file_is_compiled_from_the_current_po_file():
    po = {
        (e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0))
        for e in polib.pofile(str(CATALOGUE / "django.po"))
        if not e.obsolete and e.msgid
    }
    mo = {
        (e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0))
        for e in polib.mofile(str(CATALOGUE / "django.mo"))
        if e.msgid
    }
    assert mo == po


@pytest.mark.django_db
def test_japanese_is_the_default_language(client):
    response = client.get(reverse("staffing:home"))
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "あなたが実際にしてきた仕事に合うお仕事を" in html


@pytest.mark.django_db
def test_the_language_switch_turns_the_portal_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Work that fits what you have actually done" in html
