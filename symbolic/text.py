"""Human text kept as data: catalogues of sentences keyed by stable ids, one file per language.

A catalogue is a folder of TOML files ``<name>.<lang>.toml`` (``lang`` is ``en`` or ``ru``),
each a flat table ``id = "sentence with {named} placeholders"``.  :class:`Text` is a piece of
such text with its values filled in: it *is* the English string (a ``str`` subclass, so code
that only knows English needs no change) and it remembers its key and values, so
:func:`say` renders it in any language.  A plain ``str`` (a user's own reason) is said as is.

Placeholder values are inserted as given: numbers, words, or LaTeX for the ``$...$`` of the
sentence.  Both files of a catalogue must have the same keys and the same placeholders per key
(:func:`mismatches`), so every parameter value renders fully in every language.

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "demo.en.toml").write_text('enough = "K = {k} is large enough"\\n')
>>> _ = (folder / "demo.ru.toml").write_text('enough = "K = {k} достаточно велико"\\n')
>>> T = Catalogue(folder, "demo")
>>> line = T("enough", k=86)
>>> line, say(line, "ru"), say("a user's own reason", "ru")
('K = 86 is large enough', 'K = 86 достаточно велико', "a user's own reason")
>>> mismatches(T)
[]
"""
from __future__ import annotations

import functools
import os
import string
import tomllib

__all__ = ["LANGUAGES", "Catalogue", "Text", "say", "placeholders", "mismatches"]

LANGUAGES = ("en", "ru")


class Catalogue:
    """The sentences of one topic, ``folder/<name>.<lang>.toml``; calling it makes a :class:`Text`."""

    def __init__(self, folder, name: str):
        self.folder, self.name = os.fspath(folder), name

    def __repr__(self):
        return f"Catalogue({self.name!r})"

    def table(self, lang: str) -> dict:
        """The key -> template table of one language (read once per process)."""
        if lang not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
        return _load(os.path.join(self.folder, f"{self.name}.{lang}.toml"))

    def __call__(self, key: str, **values) -> "Text":
        return Text(self, key, values)

    def template(self, key: str, lang: str) -> str:
        table = self.table(lang)
        if key not in table:
            raise KeyError(f"text {key!r} is missing from {self.name}.{lang}.toml")
        return table[key]


@functools.lru_cache(maxsize=None)
def _load(path: str) -> dict:
    with open(path, "rb") as handle:
        table = tomllib.load(handle)
    bad = [k for k, v in table.items() if not isinstance(v, str)]
    if bad:
        raise ValueError(f"{path}: entry {bad[0]!r} is not a string (catalogues are flat)")
    return table


class Text(str):
    """A sentence of a catalogue with its values; equal to (and hashing as) its English form."""

    def __new__(cls, catalogue: Catalogue, key: str, values: dict):
        values = {k: v.render("en") if isinstance(v, Text) else v for k, v in values.items()}
        self = super().__new__(cls, _fill(catalogue, key, "en", values))
        self.catalogue, self.key, self.values = catalogue, key, values
        return self

    def render(self, lang: str) -> str:
        """The sentence in ``lang`` with its values filled in."""
        return _fill(self.catalogue, self.key, lang, self.values)

    def __reduce__(self):                      # pickled across the checker's forked workers
        return (Text, (self.catalogue, self.key, self.values))


def _fill(catalogue, key, lang, values) -> str:
    template = catalogue.template(key, lang)
    try:
        return template.format_map(values)
    except KeyError as exc:
        raise KeyError(f"text {catalogue.name}:{key} needs the value {exc.args[0]!r}") from None


def say(text, lang: str = "en") -> str:
    """``text`` in ``lang``: a :class:`Text` rendered from its catalogue, any other string as is."""
    return text.render(lang) if isinstance(text, Text) else text


def placeholders(template: str) -> frozenset:
    """The named placeholders of a template: ``'{k} of {n}'`` -> ``{'k', 'n'}``."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def mismatches(catalogue: Catalogue) -> list[str]:
    """What differs between the languages of ``catalogue``: missing keys, different placeholders."""
    tables = {lang: catalogue.table(lang) for lang in LANGUAGES}
    problems = []
    keys = set().union(*tables.values())
    for key in sorted(keys):
        present = [lang for lang in LANGUAGES if key in tables[lang]]
        if len(present) < len(LANGUAGES):
            problems.append(f"{catalogue.name}:{key} only in {', '.join(present)}")
            continue
        forms = {lang: placeholders(tables[lang][key]) for lang in LANGUAGES}
        if len(set(forms.values())) > 1:
            problems.append(f"{catalogue.name}:{key} placeholders differ: "
                            + "; ".join(f"{lang} {sorted(f)}" for lang, f in forms.items()))
    return problems
