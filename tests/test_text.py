"""The text catalogues: every language has the same keys and the same placeholders."""
import glob
import os

import pytest

from proofs.spec import TEXT_DIR, catalogue
from symbolic.text import LANGUAGES, mismatches

NAMES = sorted({os.path.basename(p).split(".")[0] for p in glob.glob(os.path.join(TEXT_DIR, "*.toml"))})


def test_every_catalogue_exists_in_every_language():
    for name in NAMES:
        for lang in LANGUAGES:
            assert os.path.exists(os.path.join(TEXT_DIR, f"{name}.{lang}.toml")), (name, lang)


@pytest.mark.parametrize("name", NAMES)
def test_same_keys_and_placeholders(name):
    assert mismatches(catalogue(name)) == []
