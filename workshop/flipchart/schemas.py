"""The flipchart's Socket.IO payloads, declared: what a phone may send with note_add, note_edit,
note_delete and vote.

A refused field names its message key (web.labels.NOTE_ERRORS) as the pydantic error type, so the
phone gets today's clear message ("The note could not be identified", "The vote could not be read")
rather than a generic one. Text is only typed here: the service cleans it (one text policy, the same
for the no-JS form).
"""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, StrictBool, StrictStr, StringConstraints, WrapValidator
from pydantic_core import PydanticCustomError, ValidationError

from workshop.core.ids import row_id
from workshop.flipchart.service import CLIENT_ID_RE


def refused_as(key: str) -> WrapValidator:
    """Any refusal of this field becomes the message key `key`."""
    def validate(value, handler):
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError(key, "refused") from None
    return WrapValidator(validate)


def _note_ref(value) -> int:
    found = row_id(value)
    if found is None:
        raise PydanticCustomError("not_found", "no such note")
    return found


ClientId = Annotated[StrictStr, StringConstraints(pattern=CLIENT_ID_RE.pattern), refused_as("bad_id")]
NoteText = Annotated[StrictStr, refused_as("empty")]
NoteRef = Annotated[int, BeforeValidator(_note_ref)]  # a row id as a JSON number or ASCII digits
VoteOn = Annotated[StrictBool, refused_as("bad_vote")]
# The member without a phone a scribe acts for, by their author tag in the group ("" or none: oneself).
MemberTag = Annotated[Annotated[StrictStr, StringConstraints(max_length=64)] | None, refused_as("not_your_member")]


class Payload(BaseModel):
    # A missing field is validated like a wrong one (None), so it gets the field's own message.
    model_config = ConfigDict(extra="ignore", validate_default=True, frozen=True)


class NoteAdd(Payload):
    client_id: ClientId = None
    text: NoteText = None
    member: MemberTag = None


class NoteEdit(Payload):
    text: NoteText = None
    id: NoteRef = None


class NoteDelete(Payload):
    id: NoteRef = None


class VotePayload(Payload):
    on: VoteOn = None
    note_id: NoteRef = None
    member: MemberTag = None
