"""The OpenAPI 3 document (NL API Design Rules /core/doc-openapi, /core/publish-openapi): open to all,
complete against the app's own routes, and honest about the problem+json errors."""
import re

import pytest

from gdt.api import API_VERSION

OPENAPI = "/api/v1/openapi.json"
PROBLEM = "application/problem+json"
METHODS = ("get", "post", "put", "patch", "delete")
# The staff API's operations and the errors each must document (gdt.api.staff).
STAFF_ERRORS = {
    ("get", "/api/v1/reports"): {401, 403, 422},
    ("get", "/api/v1/reports/{reference}"): {401, 403, 404},
    ("post", "/api/v1/reports/{reference}/triage"): {400, 401, 403, 404, 409, 412, 413, 415, 422},
    ("get", "/api/v1/cases/{reference}"): {401, 403, 404},
    ("post", "/api/v1/cases/{reference}/mode"): {400, 401, 403, 404, 409, 412, 413, 415, 422},
    ("post", "/api/v1/cases/{reference}/close"): {400, 401, 403, 404, 409, 412, 413, 415, 422},
}


@pytest.fixture(scope="module")
def served(app):
    return app.test_client().get(OPENAPI)


@pytest.fixture(scope="module")
def document(served):
    return served.get_json()


def _operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def _documented_path(rule) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)


def test_the_document_is_served_to_anyone_as_openapi_3(served, document):
    assert served.status_code == 200 and served.mimetype == "application/json"
    assert served.headers["API-Version"] == API_VERSION
    assert document["openapi"].startswith("3.") and document["info"]["version"] == API_VERSION


def test_every_api_route_of_the_app_is_documented_and_nothing_else(app, document):
    routes = {(method.lower(), _documented_path(rule))
              for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") and rule.endpoint != "api-docs.openapi_json"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(method, path) for method, path, _operation in _operations(document)}
    assert routes and routes == documented
    assert set(STAFF_ERRORS) <= documented


@pytest.mark.parametrize(("method", "path"), sorted(STAFF_ERRORS))
def test_each_staff_operation_documents_its_errors_as_problem_json(document, method, path):
    operation = document["paths"][path][method]
    assert operation["summary"] and operation["description"]
    errors = {int(code) for code in operation["responses"] if code[0] in "45"}
    assert errors == STAFF_ERRORS[method, path]
    for code in errors:
        response = operation["responses"][str(code)]
        assert list(response["content"]) == [PROBLEM]
        assert response["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
        assert "API-Version" in response["headers"]


def test_every_operation_documents_problem_json_errors(document):
    missing, wrong = [], []
    for method, path, operation in _operations(document):
        errors = {code: response for code, response in operation["responses"].items() if code[0] in "45"}
        if not errors:
            missing.append((method, path))
        wrong += [(method, path, code) for code, response in errors.items() if PROBLEM not in response["content"]]
    assert missing == [] and wrong == []


def test_the_problem_schema_carries_invalid_params(document):
    problem = document["components"]["schemas"]["Problem"]["properties"]
    assert {"type", "title", "status", "detail", "invalidParams"} <= set(problem)


def test_writes_take_if_match_and_answers_carry_an_etag(document):
    for (method, path) in STAFF_ERRORS:
        operation = document["paths"][path][method]
        if path != "/api/v1/reports":
            assert "ETag" in operation["responses"]["200"]["headers"]
        if method == "post":
            assert [p["name"] for p in operation["parameters"] if p["in"] == "header"] == ["If-Match"]
            assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]


def test_the_report_list_documents_its_camel_case_filters_and_pagination(document):
    operation = document["paths"]["/api/v1/reports"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"] if parameter["in"] == "query"}
    assert names == {"status", "channel", "receivedFrom", "receivedTo", "page", "pageSize"}
    assert "X-Pagination" in operation["responses"]["200"]["headers"]


def test_query_keys_are_camel_case_and_paths_kebab_case(document):
    for method, path, operation in _operations(document):
        assert not path.endswith("/") and re.fullmatch(r"(/([a-z0-9-]+|\{[a-zA-Z]+\}))+", path), path
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query":
                assert re.fullmatch(r"[a-z][a-zA-Z0-9]*", parameter["name"]), (method, path, parameter["name"])


def test_every_reference_in_the_document_resolves(document):
    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(document):
        target = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        assert target, ref
