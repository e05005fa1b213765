"""The set-up every survey analysis starts with: checked parameters, the survey, the output folder.

One call instead of the same dozen lines at the top of each notebook: the confidence level and
interval method are checked, the survey folder loaded, the output folder made, and the labels
every table and sentence uses for intervals are built once from the level and the method.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from ..core import parameters
from ..present.wording import percent_level
from ..stats.proportions import CI_METHOD_NAMES, CI_METHODS
from .folder import Survey, load_survey
from .needs import caller_question_parameters
from .reconciliation import respondents_total


@dataclass(frozen=True)
class SurveyAnalysis:
    """A loaded survey with the settings an analysis of it uses."""

    survey: Survey
    level: float
    method: str
    output_dir: Path
    population_parameter: int | str | None

    @property
    def method_name(self) -> str:
        """The interval method as a reader knows it: 'Wilson score'."""
        return CI_METHOD_NAMES[self.method]

    @property
    def ci_label(self) -> str:
        """'95% Wilson score interval': the level and the method beside every interval."""
        return f"{percent_level(self.level)} {self.method_name} interval"

    @property
    def fpc_label(self) -> str:
        """The finite-population-corrected interval, named as the heuristic it is for an asymmetric interval."""
        return f"{percent_level(self.level)} interval shrunk by the FPC (heuristic)"

    def asked(self, fallback: int) -> int:
        """How many answered at least one question: from answered + skipped where the survey gives them."""
        return respondents_total(self.survey) or fallback

    def population(self, largest_base: int) -> int | None:
        """The population size for the finite population correction (None: no correction)."""
        return parameters.resolve_population(
            "population_size", self.population_parameter, self.survey.spec.population_size, largest_base
        )


def analysis_setup(
    *,
    survey_dir,
    output_dir,
    confidence: float,
    ci_method: str,
    population_size: int | str | None,
    questions: dict[str, str] | None = None,
) -> SurveyAnalysis:
    """Check the parameters every survey notebook shares, load the survey and make the output folder.

    A bad value stops with a ParameterError naming the parameter, before anything is read. Each
    question the notebook needs (`questions`: parameter name -> question id; by default the
    caller's text variables named `..._question`, its parameters) must be one the wave asked:
    else one DataError names the question, the wave and the notebook.
    """
    level = parameters.probability("confidence", confidence)
    method = parameters.choice("ci_method", ci_method, CI_METHODS)
    population = parameters.population_parameter("population_size", population_size)
    survey = load_survey(parameters.existing_dir("survey_dir", survey_dir))
    if questions is None:
        questions = caller_question_parameters(sys._getframe(1).f_globals)
    for name, qid in questions.items():
        survey.question(qid, parameter=name)
    out = parameters.output_dir("output_dir", output_dir)
    return SurveyAnalysis(survey, level, method, out, population)
