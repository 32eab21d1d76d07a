"""The Chinese catalogue is complete, keeps every placeholder, and its committed .mo is current.

English is the source language, so only zh_Hans must translate everything. A fresh machine may
have no GNU gettext, so the compiled .mo files are committed; these tests compare what Django
would load from them with the .po compiled in memory by Babel.
"""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "src" / "fundguard" / "locale"
ZH_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
LOCALES = ["zh_Hans", "en"]

# printf-style (%(name)s, %s, %d, %%) and str.format-style ({name}) placeholders.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{\w*\}")


def _read(po_path: Path) -> Catalog:
    with po_path.open("rb") as f:
        return read_po(f, locale=po_path.parent.parent.name)


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    s = message.string
    return tuple(s) if isinstance(s, (list, tuple)) else (s,)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_chinese_catalogue_has_messages() -> None:
    assert len(_messages(_read(ZH_PO))) > 20


def test_every_chinese_message_is_translated() -> None:
    untranslated = [
        _ids(m)[0] for m in _messages(_read(ZH_PO)) if not all(s.strip() for s in _strings(m))
    ]
    assert not untranslated, (
        f"{len(untranslated)} untranslated message(s) in {ZH_PO.name}; "
        f"first: {untranslated[0]!r} (run `make messages`, translate, compile, commit)"
    )


def test_no_chinese_message_is_fuzzy() -> None:
    catalog = _read(ZH_PO)
    assert not catalog.fuzzy, "the catalogue header is marked fuzzy"
    fuzzy = [_ids(m)[0] for m in _messages(catalog) if m.fuzzy]
    assert not fuzzy, f"{len(fuzzy)} fuzzy message(s); first: {fuzzy[0]!r}"


def test_chinese_plural_messages_fill_every_plural_form() -> None:
    catalog = _read(ZH_PO)
    for message in _messages(catalog):
        if message.pluralizable:
            assert len(_strings(message)) == catalog.num_plurals, _ids(message)[0]


def test_every_placeholder_survives_translation() -> None:
    for message in _messages(_read(ZH_PO)):
        wanted = set().union(*(_placeholders(i) for i in _ids(message)))
        for string in _strings(message):
            missing = wanted - _placeholders(string)
            assert not missing, f"{_ids(message)[0]!r} -> {string!r} lacks {sorted(missing)}"
            extra = _placeholders(string) - wanted
            assert not extra, f"{_ids(message)[0]!r} -> {string!r} adds {sorted(extra)}"


@pytest.mark.parametrize("locale", LOCALES)
def test_committed_mo_matches_po(locale: str) -> None:
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages` and commit it"

    catalog = _read(po_path)
    for message in _messages(catalog):
        if not any(_strings(message)):  # msgfmt leaves untranslated messages out; so do we
            catalog.delete(message.id, message.context)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    with mo_path.open("rb") as f:
        committed = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]

    # The header entry ("") carries generator names and dates; compare the messages only.
    expected = {k: v for k, v in expected.items() if k != ""}
    committed = {k: v for k, v in committed.items() if k != ""}
    stale = sorted(
        str(k) for k in expected.keys() | committed.keys() if expected.get(k) != committed.get(k)
    )
    assert not stale, f"{mo_path.name} is out of date with {po_path.name}; first: {stale[0]}"


def test_django_serves_the_chinese_catalogue() -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("One-time code") == "一次性验证码"
        assert translation.ngettext("%(counter)s record", "%(counter)s records", 3) % {
            "counter": 3
        } == ("共 3 条记录")
