"""helpers.new_notebook: a copy of the template, whole or not at all, never over an existing notebook."""

from __future__ import annotations

import json

import pytest

from helpers.new_notebook import TEMPLATE, create, next_steps


def test_the_copy_writes_to_its_own_output_folder(tmp_path) -> None:
    target = create("07_council_size", notebooks=tmp_path)
    nb = json.loads(target.read_text(encoding="utf-8"))
    (parameters,) = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert 'output_dir = "data/processed/07_council_size"' in "".join(parameters["source"])
    assert nb["metadata"]["kernelspec"]["name"] == "commissioning-workbench"
    assert [p.name for p in tmp_path.iterdir()] == ["07_council_size.ipynb"]  # no temporary file left


@pytest.mark.parametrize("name", ["", "Capital", "a b", "x;touch y", "../up", "-h", "a.ipynb"])
def test_a_name_that_is_not_a_plain_file_name_is_refused(tmp_path, name) -> None:
    with pytest.raises(SystemExit, match="is not a notebook name"):
        create(name, notebooks=tmp_path)
    assert not list(tmp_path.iterdir())


def test_an_existing_notebook_is_never_replaced(tmp_path) -> None:
    (tmp_path / "mine.ipynb").write_text("my work", encoding="utf-8")
    with pytest.raises(SystemExit, match="already exists"):
        create("mine", notebooks=tmp_path)
    assert (tmp_path / "mine.ipynb").read_text(encoding="utf-8") == "my work"


def test_the_next_steps_name_the_job_to_add() -> None:
    steps = next_steps(TEMPLATE.parent.parent / "07_council_size.ipynb", "07_council_size")
    assert "name: council-size" in steps and "notebook: notebooks/07_council_size.ipynb" in steps
    assert "make notebooks" in steps and "make format" in steps
