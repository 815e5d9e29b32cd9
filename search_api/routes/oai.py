"""GET/POST /oai: the union catalogue as an OAI-PMH 2.0 repository (see search_api/oai.py)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from search_api.context import AppContext, get_context, site_url
from search_api.oai import answer, not_utf8_key
from search_api.oai_metadata import xml_text
from search_api.utf8_input import non_utf8_parameter

router = APIRouter()
# OAI-PMH arguments fit in a few hundred bytes (a resumption token of ours is under 100).
MAX_POST_BYTES = 64 * 1024

_DESCRIPTION = ("OAI-PMH 2.0 data provider over the union records (verbs Identify, ListMetadataFormats, "
                "ListSets, GetRecord, ListIdentifiers, ListRecords; formats marc21/marcxml and oai_dc; "
                "deleted records listed; seconds granularity). Each holding (copy) is a MARC 852 field; the ids "
                "merged into a record are its 035 $z.")


@router.get("/oai", tags=["open data"], summary="OAI-PMH repository of the union records",
            description=_DESCRIPTION, response_class=Response,
            responses={200: {"content": {"text/xml": {}}, "description": "An OAI-PMH response (errors included)."}})
async def oai_get(request: Request, ctx: Annotated[AppContext, Depends(get_context)]) -> Response:
    return await _answer(request, ctx, list(request.query_params.multi_items()),
                         non_utf8_parameter(request.scope.get("query_string", b"")))


@router.post("/oai", include_in_schema=False)
async def oai_post(request: Request, ctx: Annotated[AppContext, Depends(get_context)]) -> Response:
    # OAI-PMH 2.0 §3.1.1.2: arguments may come as application/x-www-form-urlencoded POST.
    # parse_qsl, not request.form(): that needs python-multipart for a format OAI-PMH never uses.
    raw = await _small_body(request)
    return await _answer(request, ctx, parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True),
                         non_utf8_parameter(raw))


async def _small_body(request: Request) -> bytes:
    """The request body, refused with 413 past MAX_POST_BYTES, declared or streamed: read whole
    whatever its size, a few requests of a gigabyte each could exhaust the server's memory."""
    too_large = HTTPException(413, f"thân yêu cầu quá {MAX_POST_BYTES} byte (request body too large for OAI-PMH)")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_POST_BYTES:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_POST_BYTES:
            raise too_large
    return bytes(body)


async def _answer(request: Request, ctx: AppContext, items: list[tuple[str, str]],
                  not_utf8: str | None = None) -> Response:
    """`not_utf8`: the argument that was not UTF-8 percent-encoding, a badArgument (search_api/utf8_input.py),
    but for a resumption token: no token of ours holds a byte outside ASCII, and read_token answers it
    badResumptionToken, saying to start the list again (oaipmh said "Unknown argument")."""
    kw: dict[str, str] = {}
    for key, value in items:
        key, value = xml_text(key, "\ufffd"), xml_text(value, "\ufffd")  # echoed in <request> and errors
        # A repeated argument is badArgument (§3.6); oaipmh only sees dictionaries, and an
        # argument it does not know makes it say so.
        kw[f"repeated argument {key}" if key in kw else key] = value
    if not_utf8 is not None and not_utf8 != "resumptionToken":
        kw[not_utf8_key(xml_text(not_utf8, chr(0xFFFD)))] = ""
    base = site_url(request, ctx.settings)
    body = await run_in_threadpool(answer, ctx.store, ctx.settings, f"{base}/oai", base, kw)
    return Response(body, media_type="text/xml; charset=utf-8")
