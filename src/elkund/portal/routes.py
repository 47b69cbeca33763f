"""The customer portal "Mina sidor" (server-rendered). For now its front page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from elkund.portal.auth.pages import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def front_page(request: Request) -> HTMLResponse:
    return render(request, "front.html")
