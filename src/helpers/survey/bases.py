"""The base of a question's shares: who answered it, and how the source gives that number."""

from __future__ import annotations

from ..core.errors import Collector


def answered_base(survey, qid: str) -> tuple[int, str]:
    """The base of a question's shares and where it comes from.

    The answered count where there is one, else (single choice) the sum of the counts.
    """
    q = survey.question(qid)
    if q.answered is not None:
        source = "counted from respondents.csv" if survey.level == "respondents" else "as the source prints it"
        return int(q.answered), f"answered the question, {source}"
    if q.type == "single":
        return int(survey.question_counts(qid).sum()), "the sum of the counts: the source prints no answered count"
    errors = Collector(survey.spec.path)
    errors.add(
        q.answered_line or q.line or None,
        "answered",
        f"for question '{qid}', the number who answered (the counts of a tick-all question do not give it)",
        None,
    )
    errors.raise_if_any()
