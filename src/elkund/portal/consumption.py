"""Mina sidor – Förbrukning and Ladda ner: the customer's own meter values (SUP-12, SUP-14, TPA-11,
EU-1).

Förbrukning shows one installation's consumption per quarter-hour, hour, day, week, month or year
for a chosen period, as an SVG chart with the numbers in a table beside it and the same period a
year earlier. Ladda ner gives the values as CSV or Excel. Both read straight from the stored values
and daily rollups (``read_series``/``read_values``), so a value shows as soon as it is stored.

A customer's own download is free and is not a share with a third party, so nothing is written to
the share log. The period and resolution come from a plain GET form; a wrong choice gives the page
again with a Swedish (or English) message and status 422.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Final

import anyio
import structlog
from anyio import to_thread
from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import HTMLResponse, Response
from jinja2 import meta
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from elkund import __version__
from elkund.api.deps import DbSession
from elkund.core.db import begin_writing
from elkund.core.localtime import STOCKHOLM, local_date, local_midnight, utcnow
from elkund.customers.models import Customer
from elkund.grid import repository as grid_repository
from elkund.grid.errors import UnknownInstallation
from elkund.grid.models import Installation
from elkund.metering import reading
from elkund.metering.domain import AggregateQuality, Bucket, Resolution, bucket_start
from elkund.metering.reading import Series, read_series, read_values
from elkund.metering.repository import days_version
from elkund.portal import fragment_store
from elkund.portal.auth import ActingCustomer
from elkund.portal.auth.pages import finish_page, templates, words
from elkund.portal.auth.repository import session_access
from elkund.portal.components import chart, deflated, downloads, formatting, i18n
from elkund.portal.components.chart import consumption_chart, data_table, table_body, total_row
from elkund.portal.components.deflated import Deflated, deflate, gzip_member
from elkund.portal.components.fragments import LruCache
from elkund.portal.components.i18n import LANG_PARAM, LANGUAGES, Lang, language_of, translate

log = structlog.get_logger(__name__)


@asynccontextmanager
async def _warm_up_on_start(app: FastAPI) -> AsyncIterator[None]:
    warm_up()  # see below
    with anyio.move_on_after(WARM_UP_READS_SECONDS) as waited:  # a host that does not answer
        await to_thread.run_sync(warm_up_reads, app.state.session_factory, abandon_on_cancel=True)
    if waited.cancelled_caught:
        log.warning("portal_warm_up_timed_out", seconds=WARM_UP_READS_SECONDS)
    yield


router = APIRouter(prefix="/mina-sidor", include_in_schema=False, lifespan=_warm_up_on_start)

PAGE_RESOLUTIONS: Final = (
    Resolution.PT15M,
    Resolution.PT1H,
    Resolution.P1D,
    Resolution.P1W,
    Resolution.P1M,
    Resolution.P1Y,
)
DOWNLOAD_RESOLUTIONS: Final = (Resolution.PT15M, Resolution.PT1H, Resolution.P1D, Resolution.P1M)
FORMATS: Final = {"csv": downloads.CSV_MEDIA_TYPE, "xlsx": downloads.XLSX_MEDIA_TYPE}
GZIP_FROM: Final = 16_384
"""Pages of at least this many bytes are sent gzipped when the browser accepts it."""
GZIP_LEVEL: Final = 1
"""zlib's fastest level for what is compressed per request: it shrinks a page about tenfold for
less CPU than writing and reading the plain bytes costs both ends."""
WARM_UP_READS_SECONDS: Final = 5
"""How long a starting server waits for its warm-up reads before it serves anyway."""
HISTORY_YEARS: Final = 10
"""How far back a period may start: 1 January this many years ago (SUP-14 asks for 3+)."""
MAX_DAYS: Final = {
    Resolution.PT15M: 400,
    Resolution.PT1H: 400,
    Resolution.P1D: 1100,
    Resolution.P1W: 3700,
    Resolution.P1M: 3700,
    Resolution.P1Y: 3700,
}


class ChoiceError(Exception):
    """A period, resolution or format the pages refuse; the catalogue entry ``choice_<key>``
    (``components.i18n``) is its message."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: Lang) -> str:
        return translate(f"choice_{self.key}", lang, **self.params)


@dataclass(frozen=True, slots=True)
class Choice:
    """A resolution and the local dates ``first``…``last``, both included."""

    resolution: Resolution
    first: date
    last: date

    @property
    def end(self) -> date:
        return self.last + timedelta(days=1)


def default_period(resolution: Resolution, today: date) -> tuple[date, date]:
    """Quarter-hours and hours: yesterday; days: the last 30; weeks: the last 12 (from a Monday);
    months: the last 12 (from the 1st); years: the last 3 (from 1 January). Today is included
    from days up, so the latest stored values show at once (SUP-12)."""
    if resolution.is_metered:
        yesterday = today - timedelta(days=1)
        return yesterday, yesterday
    if resolution is Resolution.P1D:
        return today - timedelta(days=29), today
    if resolution is Resolution.P1W:
        return bucket_start(today - timedelta(weeks=11), resolution), today
    if resolution is Resolution.P1M:
        month = today.month - 11
        year = today.year + (month - 1) // 12
        return date(year, (month - 1) % 12 + 1, 1), today
    return date(today.year - 2, 1, 1), today


def parse_choice(
    *,
    resolution: str | None,
    first: str | None,
    last: str | None,
    today: date,
    allowed: tuple[Resolution, ...],
    default: Resolution,
) -> Choice:
    """The form's choice checked against the rules of the pages; raises ``ChoiceError``."""
    chosen = _resolution(resolution, allowed, default)
    default_first, default_last = default_period(chosen, today)
    start = _date(first) if first else default_first
    stop = _date(last) if last else max(default_last, start)
    earliest = date(today.year - HISTORY_YEARS, 1, 1)
    if stop < start:
        raise ChoiceError("reversed")
    if start < earliest:
        raise ChoiceError("too_early", earliest=earliest.isoformat())
    if start > today:
        raise ChoiceError("future")
    days = (stop - start).days + 1
    if days > MAX_DAYS[chosen]:
        raise ChoiceError("too_long", resolution=chosen.value, days=MAX_DAYS[chosen])
    return Choice(chosen, start, stop)


def check_meter(choice: Choice, installation: Installation) -> Resolution:
    """The meter's own resolution; asking for quarter-hours of an hourly meter is refused."""
    metered = Resolution(installation.resolution)
    if choice.resolution.is_metered and choice.resolution.minutes < metered.minutes:
        raise ChoiceError("too_fine")
    return metered


def a_year_earlier(choice: Choice) -> tuple[date, date]:
    """The same period a year earlier as ``[first, end)``; weeks move 52 weeks so they align."""
    if choice.resolution is Resolution.P1W:
        return choice.first - timedelta(weeks=52), choice.end - timedelta(weeks=52)
    return _year_before(choice.first), _year_before(choice.end)


def own_installation(session: Session, customer: Customer, gsrn: str) -> Installation:
    """The installation ``gsrn`` if ``customer`` holds it today; otherwise not found (EU-5)."""
    installation, _ = _held(session, customer, gsrn)
    return installation


def _held(session: Session, customer: Customer, gsrn: str) -> tuple[Installation, date]:
    """``own_installation`` and the day the customer moved in, in one query."""
    held = grid_repository.held_with_move_in(session, customer.id, gsrn, _today())
    if held is None:
        raise UnknownInstallation(translate("error_unknown_installation", "sv"))
    return held


@router.get("/anlaggning/{gsrn}/forbrukning", response_class=HTMLResponse)
def consumption_page(
    request: Request,
    gsrn: str,
    customer: ActingCustomer,
    session: DbSession,
    resolution: str | None = None,
    first: Annotated[str | None, Query(alias="from")] = None,
    last: Annotated[str | None, Query(alias="to")] = None,
) -> HTMLResponse:
    """SUP-14, SUP-12, TPA-11, EU-1: the chart and table of the customer's own installation."""
    installation, since = _held(session, customer, gsrn)
    lang = language_of(request)
    context = _context(installation, resolution, first, last)
    try:
        choice = parse_choice(
            resolution=resolution,
            first=first,
            last=last,
            today=_today(),
            allowed=PAGE_RESOLUTIONS,
            default=Resolution.P1D,
        )
        metered = check_meter(choice, installation)
    except ChoiceError as error:
        context["error"] = error.message(lang)
        return _render(request, "consumption/page.html", context, status=422)
    context |= _form(choice)
    version = _version(session, installation.id, choice)
    key = _page_key(request, customer, installation, choice, since, lang, version)
    cached = PAGES.get(key)
    if cached is not None:
        return _cached_page(request, cached)
    results = _results(session, installation, metered, choice, since, lang, version)
    context["results"] = _RESULTS_SLOT
    response = _render(request, "consumption/page.html", context, results=results)
    if _keepable(response):
        PAGES.put(key, (bytes(response.body), "content-encoding" in response.headers))
    return response


RESULTS: LruCache[Deflated] = LruCache(size=512)
PAGES: LruCache[tuple[bytes, bool]] = LruCache(size=256)
"""Whole Förbrukning pages as sent (gzipped when long), so a repeated view skips the page
template and the compression. Looked up only after the session, the acting customer's holding
of the installation and the values' version are checked, as for every view; the key holds the
session's own CSRF token (the page's sign-out form carries it), so a page is only ever sent again
to the session it was made for, and the version, so new or corrected values show at once."""


def clear_caches() -> None:
    """Forget every cached fragment and page (as a new server process would)."""
    RESULTS.clear()
    PAGES.clear()


def _page_key(
    request: Request,
    customer: Customer,
    installation: Installation,
    choice: Choice,
    since: date,
    lang: Lang,
    version: tuple[int, ...],
) -> tuple[object, ...]:
    """Everything a Förbrukning page is made from. The address (with its query) gives the form's
    echo and the language link; ``choice`` pins the dates, which move with today by default."""
    page = (
        request.url.path,
        request.url.query,
        _accepts_gzip(request.headers.get("accept-encoding")),
    )
    session = (
        getattr(request.state, "csrf_token", None),
        customer.id,
        request.app.state.settings.env,
    )
    held = (installation.id, installation.gsrn, installation.resolution, since)
    return (*page, *session, *held, choice, lang, version)


def _keepable(response: HTMLResponse) -> bool:
    """Gzipped or short pages only: a long plain page (~270 kB) is not worth its memory."""
    return response.status_code == 200 and (
        "content-encoding" in response.headers or len(response.body) < GZIP_FROM
    )


def _cached_page(request: Request, cached: tuple[bytes, bool]) -> HTMLResponse:
    body, gzipped = cached
    response = HTMLResponse(body)
    finish_page(request, response)  # per request: the headers and the ``lang`` cookie
    if gzipped:
        _mark_gzipped(response)
    return response


def _results_format() -> str:
    """A digest of the code and template that write the chart and table and of the code that
    stores them, part of every stored fragment's key: a deployment that changes them never serves
    fragments of the code before it."""
    modules = (reading, chart, formatting, i18n, fragment_store, deflated)
    sources = [Path(__file__), *(Path(str(m.__file__)) for m in modules), _RESULTS_TEMPLATE]
    digest = hashlib.sha256(__version__.encode())
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


_RESULTS_TEMPLATE: Final = Path(__file__).parent / "templates" / "consumption" / "_results.html"
RESULTS_FORMAT: Final = _results_format()


def _results(
    session: Session,
    installation: Installation,
    metered: Resolution,
    choice: Choice,
    since: date,
    lang: Lang,
    version: tuple[int, ...],
) -> Deflated:
    """The chart and table, rendered once per version of the values they show: from this
    process's cache, else from the fragments rendered ahead of time, else rendered now. Kept
    deflated, as the store keeps them, so a page sends them without compressing them again."""
    key = (installation.id, choice, since, lang, version)

    def stored_or_render() -> Deflated:
        if choice not in prerendered_choices(_today()):
            html = _render_now(session, installation, metered, choice, since, lang)
            return deflate(str(html).encode(), GZIP_LEVEL)
        view = view_key(choice, since, metered, lang)
        text = fragment_store.version_text(version)
        stored = fragment_store.load(
            session, installation_id=installation.id, view_key=view, version=text
        )
        if stored is not None:
            return stored
        fragment = fragment_store.compress(
            _render_now(session, installation, metered, choice, since, lang)
        )
        begin_writing(session)  # a usual view the job has not rendered (yet): keep it
        fragment_store.save(
            session,
            installation_id=installation.id,
            view_key=view,
            version=text,
            html=fragment,
            now=utcnow(),
        )
        return fragment

    return RESULTS.get_or_render(key, stored_or_render)


def prerendered_choices(today: date) -> tuple[Choice, ...]:
    """The views rendered ahead of time when values are stored: the page's default (the last 30
    days by day) and the last twelve months by day (the 365 days up to yesterday), each with the
    same period a year earlier as every view has. Other views are rendered when asked for."""
    first, last = default_period(Resolution.P1D, today)
    year = Choice(Resolution.P1D, today - timedelta(days=365), today - timedelta(days=1))
    return (Choice(Resolution.P1D, first, last), year)


def view_key(choice: Choice, since: date, metered: Resolution, lang: Lang) -> str:
    """Everything besides the installation and its values that a fragment is made from."""
    parts = (RESULTS_FORMAT, choice.resolution.value, choice.first, choice.last, since)
    return ":".join(str(part) for part in (*parts, metered.value, lang))


def prerender(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """The job after an import stored values of an installation (``VALUES_STORED_JOB``): render
    its current holder's usual views in both languages, replacing what was stored before.

    Only the holder of today is rendered for, from their move-in day, as the page would show it;
    the page checks that a customer holds the installation before it looks a fragment up.
    """
    installation = session.get(Installation, payload["installation_id"])
    today = _today()
    holder = grid_repository.holder_on(session, installation.id, today) if installation else None
    fragments: dict[str, tuple[str, Markup]] = {}
    if installation is not None and holder is not None:
        metered = Resolution(installation.resolution)
        for choice in prerendered_choices(today):
            text = fragment_store.version_text(_version(session, installation.id, choice))
            for lang in LANGUAGES:
                view = view_key(choice, holder.move_in, metered, lang)
                html = _render_now(session, installation, metered, choice, holder.move_in, lang)
                fragments[view] = (text, html)
    if installation is not None:
        fragment_store.replace_all(
            session, installation_id=installation.id, fragments=fragments, now=utcnow()
        )
    return {"installation_id": payload["installation_id"], "fragments": len(fragments)}


def _version(session: Session, installation_id: int, choice: Choice) -> tuple[int, ...]:
    earlier_first, _ = a_year_earlier(choice)
    return days_version(
        session,
        installation_id=installation_id,
        first=min(earlier_first, choice.first),
        end=choice.end,
    )


def _render_now(
    session: Session,
    installation: Installation,
    metered: Resolution,
    choice: Choice,
    since: date,
    lang: Lang,
) -> Markup:
    series = _series(
        session, installation, metered, choice.resolution, choice.first, choice.end, since
    )
    previous = _series(
        session, installation, metered, choice.resolution, *a_year_earlier(choice), since
    )
    return render_results(series, previous, lang)


def render_results(series: Series, previous: Series, lang: Lang) -> Markup:
    """The chart and the table of ``series`` beside ``previous``, the same period a year earlier."""
    data = {
        "chart": consumption_chart(series, previous=previous, lang=lang),
        "body": table_body(data_table(series, previous, lang), lang),
        "total": total_row(series, previous, lang),
    }
    fragment = templates.get_template("consumption/_results.html")
    return Markup(fragment.render(data | {"lang": lang, "t": words(lang)}))  # noqa: S704


def warm_up() -> None:
    """Compile the page's templates and load the locale data its formatting needs, in each server
    process before its first request.

    Otherwise the first views after a start, which tend to arrive together, each pay for it (Jinja
    compiles a template in every thread that asks before it is cached). Made of a sample series,
    so no customer's data is read or cached.
    """
    days = [date(2001, 1, 1) + timedelta(days=n) for n in range(len(AggregateQuality) + 1)]
    buckets = [
        Bucket(_local(local_midnight(day)), _local(local_midnight(stop)), 1000, quality)
        for day, stop, quality in zip(days, days[1:], AggregateQuality, strict=False)
    ]
    sample = Series(Resolution.P1D, buckets[0].start, buckets[-1].end, buckets)
    for lang in LANGUAGES:
        render_results(sample, sample, lang)
    compiled: set[str] = set()
    for name in ("consumption/page.html", "consumption/download.html"):
        _compile_with_references(name, compiled)


def _compile_with_references(name: str, compiled: set[str]) -> None:
    """Compile ``name`` and every template it extends, includes or imports: Jinja loads those
    only when a page is rendered."""
    if name in compiled:
        return
    compiled.add(name)
    templates.get_template(name)
    source, _, _ = templates.env.loader.get_source(templates.env, name)  # type: ignore[union-attr]
    for referenced in meta.find_referenced_templates(templates.env.parse(source)):
        if referenced is not None:
            _compile_with_references(referenced, compiled)


def warm_up_reads(sessions: sessionmaker[Session]) -> None:
    """Run each statement of a view once in each server process before its first request, with
    keys that find nothing (no customer's data is read or cached).

    SQLAlchemy compiles a statement at its first use in a process, in every thread that uses it
    before it is cached, and the pool opens its first connection. A database that cannot be
    reached now is no reason not to start; the pages will say so.
    """
    today = _today()
    try:
        with sessions() as session:
            session_access(session, session_id="")
            grid_repository.held_with_move_in(session, 0, "", today)
            days_version(session, installation_id=0, first=today, end=today)
            fragment_store.load(session, installation_id=0, view_key="", version="")
    except SQLAlchemyError as error:
        detail = str(error).splitlines()[0]
        log.warning("portal_warm_up_failed", error=type(error).__name__, detail=detail)


@router.get("/anlaggning/{gsrn}/ladda-ner", response_class=HTMLResponse)
def download_page(
    request: Request, gsrn: str, customer: ActingCustomer, session: DbSession
) -> HTMLResponse:
    """TPA-11, EU-1: the form to download the customer's own meter values, free of charge."""
    installation = own_installation(session, customer, gsrn)
    context = _context(installation, None, None, None)
    default = _native(installation)
    context |= _form(Choice(default, *default_period(default, _today())))
    context["format"] = "csv"
    return _render(request, "consumption/download.html", context)


@router.get("/anlaggning/{gsrn}/ladda-ner/fil", response_model=None)
def download_file(
    request: Request,
    gsrn: str,
    customer: ActingCustomer,
    session: DbSession,
    format: str = "csv",
    resolution: str | None = None,
    first: Annotated[str | None, Query(alias="from")] = None,
    last: Annotated[str | None, Query(alias="to")] = None,
) -> Response:
    """TPA-11, EU-1: the file. The customer's own download is no third-party share: no log entry."""
    installation, since = _held(session, customer, gsrn)
    lang = language_of(request)
    try:
        if format not in FORMATS:
            raise ChoiceError("bad_format")
        choice = parse_choice(
            resolution=resolution,
            first=first,
            last=last,
            today=_today(),
            allowed=DOWNLOAD_RESOLUTIONS,
            default=_native(installation),
        )
        metered = check_meter(choice, installation)
    except ChoiceError as error:
        context = _context(installation, resolution, first, last)
        context |= {"error": error.message(lang), "format": format}
        return _render(request, "consumption/download.html", context, status=422)
    values: downloads.Values
    if choice.resolution is metered:
        start = local_midnight(max(choice.first, since))
        end = max(local_midnight(choice.end), start)
        values = (
            read_values(session, installation_id=installation.id, start=start, end=end)
            if end > start
            else []
        )
    else:
        values = _series(
            session, installation, metered, choice.resolution, choice.first, choice.end, since
        )
    content = (
        downloads.csv_bytes(values, lang) if format == "csv" else downloads.xlsx_bytes(values, lang)
    )
    name = downloads.filename(
        installation.gsrn, choice.first, choice.end, choice.resolution, format
    )
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(content, media_type=FORMATS[format], headers=headers)


def _local(instant: datetime) -> datetime:
    return instant.astimezone(STOCKHOLM)


def _series(
    session: Session,
    installation: Installation,
    metered: Resolution,
    resolution: Resolution,
    first: date,
    end: date,
    since: date,
) -> Series:
    """Buckets of [first, end), but never before the customer moved in: earlier values are a
    previous occupant's (EU-5)."""
    first = max(first, since)
    if end <= first:
        return Series(resolution, _local(local_midnight(end)), _local(local_midnight(end)), [])
    return read_series(
        session,
        installation_id=installation.id,
        metered=metered,
        first=first,
        end=end,
        resolution=resolution,
    )


def _context(
    installation: Installation, resolution: str | None, first: str | None, last: str | None
) -> dict[str, Any]:
    """What both templates need besides ``lang``, ``t`` and ``language_url`` (given to every
    portal page by ``portal_context``); the form shows back what was sent until a choice is
    accepted."""
    return {
        "gsrn": installation.gsrn,
        "hourly_meter": installation.resolution == Resolution.PT1H,
        "resolution": resolution or "",
        "first": first or "",
        "last": last or "",
    }


def _form(choice: Choice) -> dict[str, str]:
    return {
        "resolution": choice.resolution.value,
        "first": choice.first.isoformat(),
        "last": choice.last.isoformat(),
    }


_RESULTS_SLOT: Final = Markup("<!--elkund:results-->")
"""Where the chart and table go in a rendered page. Nothing a visitor sends can make this
comment: the page escapes what it echoes."""
_SLOT_BYTES: Final = str(_RESULTS_SLOT).encode()


def _render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    results: Deflated | None = None,
) -> HTMLResponse:
    """The page, with ``results`` (if given) in place of ``_RESULTS_SLOT``."""
    context |= {
        "page_resolutions": PAGE_RESOLUTIONS,
        "download_resolutions": DOWNLOAD_RESOLUTIONS,
        "lang_param": LANG_PARAM,
    }
    response: HTMLResponse = templates.TemplateResponse(request, name, context, status_code=status)
    finish_page(request, response)  # no-store: values change as soon as new ones are stored
    body = bytes(response.body)
    parts: list[bytes | Deflated] = [body]
    if results is not None:
        if body.count(_SLOT_BYTES) != 1:
            raise RuntimeError(f"{name} must have one place for the results")
        before, _, after = body.partition(_SLOT_BYTES)
        parts = [before, results, after]
    return _encoded(request, response, parts)


def _encoded(
    request: Request, response: HTMLResponse, parts: list[bytes | Deflated]
) -> HTMLResponse:
    """The parts as the body. A long page (a year by day is ~270 kB) goes gzipped to a browser
    that accepts it (every browser does), its deflated parts as they are; otherwise they are
    inflated (a page for such a client is not kept in ``PAGES``, so each view inflates)."""
    size = sum(part.size if isinstance(part, Deflated) else len(part) for part in parts)
    if size >= GZIP_FROM and _accepts_gzip(request.headers.get("accept-encoding")):
        response.body = gzip_member(
            [part if isinstance(part, Deflated) else deflate(part, GZIP_LEVEL) for part in parts]
        )
        _mark_gzipped(response)
    else:
        response.body = b"".join(
            part.inflate() if isinstance(part, Deflated) else part for part in parts
        )
        response.headers["Content-Length"] = str(len(response.body))
    return response


def _mark_gzipped(response: HTMLResponse) -> None:
    response.headers["Content-Length"] = str(len(response.body))
    response.headers["Content-Encoding"] = "gzip"
    response.headers.add_vary_header("Accept-Encoding")


def _accepts_gzip(header: str | None) -> bool:
    for coding in (header or "").split(","):
        name, _, parameters = coding.partition(";")
        if name.strip().lower() in ("gzip", "*"):
            return parameters.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _resolution(
    value: str | None, allowed: tuple[Resolution, ...], default: Resolution
) -> Resolution:
    if not value:
        return default
    chosen = next((r for r in allowed if r.value == value), None)
    if chosen is None:
        raise ChoiceError("bad_resolution")
    return chosen


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ChoiceError("bad_date", value=value[:20]) from None


def _native(installation: Installation) -> Resolution:
    return Resolution(installation.resolution)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _today() -> date:
    return local_date(utcnow())
