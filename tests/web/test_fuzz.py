"""Fuzzing: every API operation from its OpenAPI description (schemathesis), and every page's
parameters (hypothesis), must answer 200, 404 or 422 — never a 500, never a traceback."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

ALLOWED = {200, 404, 422}
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@pytest.fixture(scope="session")
def api_schema(web_app: FastAPI) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", web_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@FUZZ
def test_api_operations_never_fail(case: schemathesis.Case) -> None:
    response = case.call()
    # Schemathesis also probes other methods: a read-only site answers them 405 (HEAD is
    # answered as GET is); an oversized query is 414.
    allowed = ALLOWED | {414} if case.method.upper() in ("GET", "HEAD") else {405}
    assert response.status_code in allowed, (
        case.method,
        case.path,
        case.query,
        response.text[:200],
    )
    assert "Traceback" not in response.text
    case.validate_response(response, checks=[not_a_server_error])


def _known(client: TestClient) -> dict[str, list[str]]:
    meta = client.get("/api/meta").json()
    return {
        "category": [*[c["slug"] for c in meta["categories"]][:12], "Robbery", "ROBBERY"],
        "level": [*meta["levels"], "county"],
        "area": ["E09000007", "MPS", "MPS-CENTRAL-NORTH", "Camden"]
        + [a["code"] for a in meta["areas"]["ward"][:3]],
        "quarter": meta["quarters"]["borough"][:4]
        + meta["quarters"]["ward"][:2]
        + ["2009-10Q1", "2023-24Q5", "2023-25Q1"],
        "comparator": [*meta["comparators"], "tomorrow"],
        "measure": [*meta["measures"], "vibes"],
    }


_JUNK = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30
) | st.sampled_from(["", " ", "%", "../", "<script>", "'; DROP TABLE areas; --", "\x00", "𝔘"])


def _param(values: list[str]) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(values) | _JUNK


@pytest.fixture(scope="session")
def known(client: TestClient) -> dict[str, list[str]]:
    return _known(client)


@FUZZ
@given(data=st.data())
def test_explorer_parameters_never_fail(
    client: TestClient, known: dict[str, list[str]], data: st.DataObject
) -> None:
    names = ("category", "level", "area", "quarter", "comparator")
    params = {n: data.draw(_param(known[n]), label=n) for n in names}
    query = urlencode({k: v for k, v in params.items() if v is not None})
    r = client.get(f"/crime?{query}")
    assert r.status_code in ALLOWED, (query, r.text[:300])
    assert "Traceback" not in r.text


@FUZZ
@given(data=st.data())
def test_comparison_parameters_never_fail(
    client: TestClient, known: dict[str, list[str]], data: st.DataObject
) -> None:
    names = ("category", "level", "quarter", "comparator", "measure")
    params = {n: data.draw(_param(known[n]), label=n) for n in names}
    query = urlencode({k: v for k, v in params.items() if v is not None})
    r = client.get(f"/compare?{query}")
    assert r.status_code in ALLOWED, (query, r.text[:300])


@FUZZ
@given(path=_JUNK)
def test_path_parameters_never_fail(client: TestClient, path: str) -> None:
    from urllib.parse import quote

    for template in ("/priorities/{}", "/api/tables/{}", "/api/report/{}", "/api/report/{}/1.csv"):
        r = client.get(template.format(quote(path, safe="")))
        assert r.status_code in ALLOWED | {405}, (template, path, r.text[:200])
