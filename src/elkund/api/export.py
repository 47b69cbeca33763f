"""ESCO export: meter values under a consent, as JSON or CSV (TPA-6, TPA-8, TPA-9, EU-2, EU-3).

Every answer passes the access gate (``access.gate``), which clips the period to the consent and
logs the delivery in the share log.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from elkund.access.gate import GateResult, read_for_consent
from elkund.api.access import RequestedResolution
from elkund.api.auth import CurrentEsco
from elkund.api.deps import DbSession
from elkund.api.responses import OrjsonResponse
from elkund.api.schemas import error_responses
from elkund.core.db import begin_writing
from elkund.core.localtime import local_midnight, utcnow
from elkund.metering.domain import Resolution

router = APIRouter(prefix="/api/v1", tags=["third-party access"])

CSV_TYPE = "text/csv; charset=utf-8"
CSV_HEADER = "start,end,kwh,quality"
Quality = Literal["measured", "estimated", "missing", "complete", "contains_estimated"]


class MeterValueRead(BaseModel):
    start: AwareDatetime = Field(examples=["2026-01-01T00:00:00+01:00"])
    end: AwareDatetime = Field(examples=["2026-01-01T00:15:00+01:00"])
    kwh: str = Field(pattern=r"^-?\d+\.\d{3}$", examples=["0.412"])
    quality: Quality = Field(
        description="Of a stored value: measured, estimated or missing. Of an aggregate: complete, "
        "contains_estimated or missing (some of its values are not there)."
    )


class MeterValuesRead(BaseModel):
    """The values given out under a consent, with the period they actually cover."""

    model_config = ConfigDict(populate_by_name=True)

    consent_id: str
    installation_id: str = Field(description="The anläggnings-ID (GSRN) of the installation.")
    resolution: RequestedResolution
    from_: AwareDatetime = Field(alias="from", description="Start of the period delivered.")
    to: AwareDatetime = Field(description="End (exclusive) of the period delivered.")
    unit: Literal["kWh"]
    values: list[MeterValueRead]


When = AwareDatetime | date


@router.get(
    "/consents/{consent_id}/meter-values",
    operation_id="get_meter_values",
    response_model=None,
    responses={
        200: {
            "model": MeterValuesRead,
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "JSON, or CSV (start,end,kwh,quality) with `Accept: text/csv`.",
        },
        **error_responses(401, 403, 404, 422),
    },
)
def get_meter_values(
    consent_id: str,
    esco: CurrentEsco,
    session: DbSession,
    request: Request,
    from_: Annotated[
        When | None,
        Query(alias="from", description="Start: a datetime with offset, or a date."),
    ] = None,
    to: Annotated[
        When | None, Query(description="End, exclusive: a datetime with offset, or a date.")
    ] = None,
    resolution: Annotated[
        RequestedResolution | None, Query(description="Default: the consented resolution.")
    ] = None,
) -> Response:
    """Meter values of the consent's installation, never outside the consent.

    ``from`` and ``to`` are ISO 8601 datetimes with an offset, or dates (local midnight in
    Stockholm); ``to`` is exclusive. Without them: the last 7 whole local days. The period is
    widened to whole buckets of ``resolution`` and clipped to the consent: not before its history
    start, not after now; the answer's ``from``/``to`` say what was delivered. ``resolution``
    defaults to the consented one; a coarser one is aggregated, a finer one refused
    (``resolution_not_consented``). After the consent ended: 403 ``consent_not_active``.
    Every answer is one entry in the customer's share log.
    """
    begin_writing(session)  # the pull ends with its share-log entry
    result = read_for_consent(
        session,
        esco=esco,
        consent_id=consent_id,
        start=_instant(from_),
        end=_instant(to),
        resolution=Resolution(resolution) if resolution else None,
        channel="pull",
        now=utcnow(),
    )
    session.commit()  # the share-log entry exists before the values leave (EU-3)
    if _wants_csv(request.headers.get("accept", "")):
        return Response(csv_body(result), media_type=CSV_TYPE)
    return Response(json_body(result), media_type=OrjsonResponse.media_type)


def json_body(result: GateResult) -> bytes:
    return orjson.dumps(result.document())


def csv_body(result: GateResult) -> bytes:
    lines = [CSV_HEADER]
    lines += [
        f"{v.start.isoformat()},{v.end.isoformat()},{v.kwh},{v.quality}" for v in result.values
    ]
    return ("\n".join(lines) + "\n").encode()


def _instant(value: datetime | date | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return local_midnight(value)


def _wants_csv(accept: str) -> bool:
    """Whether the Accept header prefers CSV to JSON (a tie, or neither named, is JSON)."""
    weights: dict[str, float] = {}
    for media_range in accept.lower().split(","):
        media, *parameters = (part.strip() for part in media_range.split(";"))
        weights[media] = next((_quality(p[2:]) for p in parameters if p.startswith("q=")), 1.0)
    return weights.get("text/csv", 0.0) > weights.get("application/json", 0.0)


def _quality(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


class MeterValuesDelivery(MeterValuesRead):
    """A daily push under a ``push_daily`` consent: new and corrected values since the last one."""

    id: str = Field(description="The Standard Webhooks message id; deduplicate on it.")
    type: Literal["meter_values.delivery"]
