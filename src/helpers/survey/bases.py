"""The base of a question's shares: who answered it, and how the source gives that number."""

from __future__ import annotations


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
    raise ValueError(f"question '{qid}' has no answered count, and the counts of a tick-all question do not give one")
