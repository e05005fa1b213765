"""A new wave that did not ask questions a, c and d, built as a researcher would: `asked: false` in survey.yaml.

The data overview, which can use any wave, is built; the delivery-mix and skills analyses, which need
questions the wave did not ask, fail with one message naming the question and the wave, and keep no
half-made report.
"""

from __future__ import annotations

import shutil
import subprocess

import yaml
from build_runs import build_command

from helpers.core import paths


def not_asking(folder, *qids: str) -> None:
    """Mark each of `qids` asked: false, drop its counts and the published figures (they speak of it)."""
    spec = yaml.safe_load((folder / "survey.yaml").read_text(encoding="utf-8"))
    for question in spec["questions"]:
        if question["id"] in qids:
            for key in ("answered", "skipped"):
                question.pop(key, None)
            question["asked"] = False
    (folder / "survey.yaml").write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    counts = (folder / "counts.csv").read_text(encoding="utf-8").split("\n")
    (folder / "counts.csv").write_text("\n".join(r for r in counts if r.split(",")[0] not in qids), encoding="utf-8")
    (folder / "published.csv").unlink()


def test_a_wave_without_a_c_and_d_builds_what_can_use_it_and_names_what_cannot(tmp_path) -> None:
    wave = tmp_path / "wave_2013"
    shutil.copytree(paths.SURVEYS / "localis_2011", wave)
    not_asking(wave, "a", "c", "d")
    config = yaml.safe_load((paths.ROOT / "reports.yaml").read_text(encoding="utf-8"))
    jobs = [j for j in config["jobs"] if j["name"] in ("data-overview", "skills-gaps", "delivery-mix")]
    for job in jobs:
        job["notebook"] = str(paths.ROOT / job["notebook"])
        job["parameters"]["survey_dir"] = str(wave)
        job.pop("sweep", None)
        job.pop("output", None)
    (tmp_path / "reports.yaml").write_text(yaml.safe_dump({"jobs": jobs}, sort_keys=False), encoding="utf-8")
    done = subprocess.run(build_command(tmp_path), cwd=paths.ROOT, capture_output=True, text=True)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert (tmp_path / "reports" / "data-overview" / "index.html").is_file()
    assert "question c was not asked in wave wave_2013" in out
    assert "question a was not asked in wave wave_2013" in out
    assert not (tmp_path / "reports" / "skills-gaps").exists()
    assert "Traceback" not in out
