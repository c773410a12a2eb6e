"""schemathesis against the WSGI app: every operation of /api/v1/openapi.json gets generated
requests, valid and invalid, sent with a valid read-and-write token; no answer may be a 5xx
and every documented answer must match its schema. Operations on a posting also run on
real postings (A's own need, B's need, B's draft). Examples are bounded (about a minute).

schemathesis' pytest plugin (`from_fixture`, `@schema.parametrize`) breaks on pytest 9
(`Function._nodeid`), so this drives its Python API with Hypothesis directly."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import bearer
from tests.factories import NANTES, make_posting
from tests.web.test_opendata import cpv_model  # noqa: F401 (fixture: a small fitted model)

EXAMPLES = 10
CHECKS = [not_a_server_error, response_schema_conformance]


def in_nantes(case):
    """Random communes are all unknown (a 422): place valid bodies in Nantes, so that
    creations and edits go through too."""
    if isinstance(case.body, dict) and isinstance(case.body.get("commune_insee"), str):
        case.body["commune_insee"] = NANTES
    return case


def exercise(strategy, headers: dict) -> None:
    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


@pytest.mark.usefixtures("cpv_model")
def test_api_conforms_to_its_openapi_document(app, db, pair, issue):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = bearer(issue(pair.a))
    a_draft = make_posting(db, pair.a, "Brouillon de A", status="draft")
    real_postings = (pair.a_need.id, a_draft.id, pair.b_need.id, pair.b_draft.id)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        names = {parameter.name for parameter in operation.path_parameters}
        pinned = [{"posting_id": i} for i in real_postings] if "posting_id" in names else []
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in [None, *pinned]:
                try:
                    strategy = operation.as_strategy(mode, path_parameters=path_parameters)
                    if mode == GenerationMode.POSITIVE:
                        strategy = strategy.map(in_nantes)
                    exercise(strategy, headers)
                except Unsatisfiable:  # nothing to make invalid (no parameter, no body)
                    pass
                except Exception as error:  # noqa: BLE001 - reported all at once below
                    failures.append(f"{operation.label} {mode} {path_parameters}: {error}")
    assert operations >= 12
    assert failures == [], "\n\n".join(failures)
