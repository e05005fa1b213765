"""The survey notebooks' shared set-up: checked parameters and interval labels built once."""

from __future__ import annotations

import pytest

from helpers.core import paths
from helpers.core.errors import ParameterError
from helpers.survey.setup import analysis_setup


def test_setup_loads_the_survey_and_labels_intervals(tmp_path) -> None:
    analysis = analysis_setup(
        survey_dir=paths.LOCALIS_2011,
        output_dir=tmp_path / "out",
        confidence=0.9,
        ci_method="beta",
        population_size="survey",
    )
    assert analysis.output_dir.is_dir()
    assert analysis.ci_label == "90% Clopper-Pearson (exact) interval"
    assert "heuristic" in analysis.fpc_label
    assert analysis.population(103) == analysis.survey.spec.population_size
    assert analysis.asked(1) == 105  # answered + skipped of question a


def test_a_bad_parameter_is_named(tmp_path) -> None:
    with pytest.raises(ParameterError, match="ci_method"):
        analysis_setup(
            survey_dir=paths.LOCALIS_2011, output_dir=tmp_path, confidence=0.95, ci_method="exact", population_size=None
        )
