"""`flask train-ranker`: the marketplace's outcomes (shortlists, awards) teach the ranker."""

import json
from datetime import date

from app.services.ranker_training import outcome_labels
from matching.ranker import read_ranker
from models import Award, Match
from tests.web.conftest import territory  # noqa: F401 - the published tender


def test_outcomes_label_needs_and_train_a_ranker(app, db, territory, tmp_path):  # noqa: F811
    _, need = territory
    runner = app.test_cli_runner()
    out = tmp_path / "ranker.json"
    refused = runner.invoke(args=["train-ranker", "--out", str(out)])
    assert refused.exit_code != 0 and "Aucun résultat" in refused.output

    matches = db.query(Match).filter_by(need_id=need.id).order_by(Match.score).all()
    assert len(matches) >= 2
    matches[0].status = "shortlisted"  # the buyer preferred the lowest-ranked suggestion
    db.add(Award(posting_id=need.id, organisation_id=matches[1].organisation_id,
                 winner_name="Lauréat", notified_on=date.today()))
    db.commit()
    labels = outcome_labels(db)[need.id]
    assert sorted(labels.values()) == [1.0, 2.0]

    result = runner.invoke(args=["train-ranker", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "marketplace : 1" in result.output
    written = json.loads(out.read_text())
    assert written["trained_on"] == {"marketplace": 1}
    assert read_ranker(out).weights["fused"] > 0
