import json

from matching.evaluate import main

HYBRID_FLOOR = 0.80  # measured 0.829 with e5 (docs/benchmarks.md, « Matching quality »)


def test_dev_set_quality_and_zero_violations(dev_dir, capsys):
    assert main([str(dev_dir), "--methods", "sparse,hybrid", "--json"]) == 0
    lines = {d["method"]: d for d in map(json.loads, capsys.readouterr().out.splitlines())}
    assert lines["hybrid"]["ndcg@10"] >= HYBRID_FLOOR
    assert lines["hybrid"]["ndcg@10"] > lines["sparse"]["ndcg@10"]
    assert lines["hybrid"]["violations"] == 0 and lines["sparse"]["violations"] == 0
    assert set(lines["hybrid"]) >= {"method", "ndcg@10", "recall@10", "mrr@10", "p@5",
                                    "violations"}


def test_cli_on_a_tiny_dataset(tmp_path, capsys):
    (tmp_path / "qrels").mkdir()
    docs = [{"_id": "d1", "title": "Recyclerie", "text": "ressourcerie de meubles",
             "metadata": {"kind": "ess", "filieres": ["reemploi"], "commune": "Rezé",
                          "unknown": 1}},
            {"_id": "d2", "text": "cuisine centrale", "metadata": {"lat": 47.2, "lon": -1.5}}]
    (tmp_path / "corpus.jsonl").write_text("\n".join(map(json.dumps, docs)))
    (tmp_path / "queries.jsonl").write_text(json.dumps(
        {"_id": "q1", "text": "réemploi de meubles", "metadata": {"filiere": "reemploi",
                                                                   "commune": "Nantes"}}))
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t2\n")
    assert main([str(tmp_path), "--methods", "filter,sparse"]) == 0
    out = capsys.readouterr().out
    assert "sparse" in out and "1.000" in out
    assert main([str(tmp_path), "--methods", "nope"]) == 2
