"""Who is calling: a bearer token resolved to an active ESCO, checked on every request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from elkund.api.deps import DbSession
from elkund.core.localtime import utcnow
from elkund.parties.credentials import InvalidToken, party_for_token
from elkund.parties.models import Party, PartyRole


class NotAnEsco(InvalidToken):
    code = "forbidden"
    status = 403


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("Send the access token as 'Authorization: Bearer <token>'.")
    return token.strip()


def current_esco(request: Request, session: DbSession) -> Party:
    party = party_for_token(session, token=_bearer(request), now=utcnow())
    if party.role != PartyRole.ESCO:
        raise NotAnEsco("Only energy service companies may use this endpoint.")
    return party


CurrentEsco = Annotated[Party, Depends(current_esco)]
