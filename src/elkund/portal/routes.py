"""The customer portal "Mina sidor" (server-rendered). For now its front page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


@router.get("/", response_class=HTMLResponse)
def front_page(request: Request) -> HTMLResponse:
    development = request.app.state.settings.env == "development"
    return templates.TemplateResponse(request, "front.html", {"development": development})
