"""The read-only HSDS API answers as the specification's OpenAPI describes: public, paged, filtered, cached, rate-limited."""
import copy
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from pwa.extensions import db
from pwa.models import DirectoryService
from pwa.services_map import services, vocabulary
from tests import factories
from tests.services_map import hsds_spec


def _inline(value):
    """The OpenAPI file with its published schema addresses replaced by the vendored schemas."""
    if isinstance(value, dict):
        ref = value.get("$ref", "")
        if ref.startswith(hsds_spec.PUBLISHED):
            return hsds_spec.published(ref[len(hsds_spec.PUBLISHED):])
        return {key: _inline(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_inline(item) for item in value]
    return value


@lru_cache(maxsize=None)
def _openapi() -> OpenAPI:
    document = _inline(copy.deepcopy(hsds_spec.openapi()))
    document["servers"] = [{"url": "http://dera.test/api/hsds"}]
    return OpenAPI.from_dict(document)


def _get(client, url):
    """GET and check request and response against the specification's OpenAPI."""
    response = client.get(url)
    path, _, query = url.partition("?")
    environ = EnvironBuilder(base_url="http://dera.test", path=path, query_string=query).get_environ()
    openapi_request = WerkzeugOpenAPIRequest(Request(environ))
    _openapi().validate_request(openapi_request)
    if response.status_code == 200:
        _openapi().validate_response(openapi_request, WerkzeugOpenAPIResponse(response))
    return response


@pytest.fixture
def directory(app, seed_path):
    services.import_directory(db.session, seed_path, datetime(2026, 11, 1, tzinfo=timezone.utc))
    db.session.commit()
    hidden = factories.directory_service("Qendra e fshehur", status="inactive")
    return hidden


def test_the_list_answers_the_openapi_and_leaves_out_hidden_services(client, directory):
    response = _get(client, "/api/hsds/services")
    page = response.get_json()
    assert response.status_code == 200 and page["total_items"] == 13 and page["size"] == 13
    assert directory.id not in {service["id"] for service in page["contents"]}
    assert all("phones" not in service for service in page["contents"])


def test_full_services_pass_the_spec_schemas(client, directory):
    page = _get(client, "/api/hsds/services?full=true").get_json()
    assert hsds_spec.page_errors(page, "service") == []
    assert all("phones" in service for service in page["contents"])


def test_a_service_by_id_and_a_hidden_one(client, directory):
    shown = db.session.scalar(db.select(DirectoryService).where(DirectoryService.status == "active"))
    response = _get(client, f"/api/hsds/services/{shown.id}")
    assert response.status_code == 200 and response.get_json()["name"] == shown.name
    assert hsds_spec.errors(response.get_json(), "service") == []
    assert client.get(f"/api/hsds/services/{directory.id}").status_code == 404
    assert client.get("/api/hsds/services/no-such-id").status_code == 404


def test_paging(client, directory):
    first = _get(client, "/api/hsds/services?per_page=5").get_json()
    last = _get(client, "/api/hsds/services?per_page=5&page=3").get_json()
    assert (first["total_pages"], first["size"], first["first_page"], first["last_page"]) == (3, 5, True, False)
    assert (last["page_number"], last["size"], last["first_page"], last["last_page"]) == (3, 3, False, True)
    everything = [s["id"] for n in (1, 2, 3) for s in client.get(f"/api/hsds/services?per_page=5&page={n}").get_json()["contents"]]
    assert len(set(everything)) == 13


def test_modified_after_taxonomy_term_and_search(client, directory):
    changed = db.session.scalar(db.select(DirectoryService).where(DirectoryService.name.startswith("Vatra")))
    changed.updated_at = datetime(2026, 11, 20, tzinfo=timezone.utc)
    db.session.commit()
    page = _get(client, "/api/hsds/services?modified_after=2026-11-10T00:00:00Z").get_json()
    assert [s["id"] for s in page["contents"]] == [changed.id]

    housing = vocabulary.term_id("area", "housing")
    page = _get(client, f"/api/hsds/services?taxonomy_term_id={housing}").get_json()
    found = {s["id"] for s in page["contents"]}
    expected = {s.id for s in db.session.scalars(db.select(DirectoryService).where(DirectoryService.status == "active")) if "housing" in s.areas}
    assert found == expected and found

    page = _get(client, "/api/hsds/services?search=vlore&full=true").get_json()
    assert page["total_items"] >= 1 and all("Vlorë" in str(s) for s in page["contents"])


@pytest.mark.parametrize("query", ["page=0", "per_page=1000", "page=two", "modified_after=yesterday"])
def test_bad_queries_are_explained(client, directory, query):
    response = client.get(f"/api/hsds/services?{query}")
    assert response.status_code == 400 and response.get_json()["error"]


def test_answers_are_cached_with_an_etag(client, directory):
    first = client.get("/api/hsds/services")
    assert "public" in first.headers["Cache-Control"] and first.headers["ETag"]
    again = client.get("/api/hsds/services", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_api_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, HSDS_API_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.get("/api/hsds/services").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_about_answer(client):
    assert _get(client, "/api/hsds/").get_json() == {"version": "3.0.1"}


def test_the_openapi_check_is_real(app):
    """A page whose service lacks its required name fails the same validation."""
    import json as _json

    from openapi_core.validation.response.exceptions import InvalidData
    from werkzeug.wrappers import Response

    environ = EnvironBuilder(base_url="http://dera.test", path="/api/hsds/services").get_environ()
    body = {"total_items": 1, "total_pages": 1, "page_number": 1, "size": 1, "first_page": True, "last_page": True,
            "empty": False, "contents": [{"id": "ac148810-d857-441c-9679-408f346de14b", "status": "active"}]}
    response = Response(_json.dumps(body), mimetype="application/json")
    with pytest.raises(InvalidData):
        _openapi().validate_response(WerkzeugOpenAPIRequest(Request(environ)), WerkzeugOpenAPIResponse(response))
