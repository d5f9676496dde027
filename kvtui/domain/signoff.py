"""The rules of fact-check and sign-off: content hashes, what changed, who may approve.

A report's content is a plain JSON-able dict (built in ``kvtui.domain.report_content``). Its
hash is the SHA-256 of one canonical JSON form (sorted keys, no spaces, UTF-8), so the same
content gives the same hash on any machine and Python version. A frozen draft and a sign-off
keep both the content and its hash: the hash proves the content unchanged, the content shows
what the unit read and what was signed.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kvtui.domain.safe_text import blank, typed_text

#: The auditor's response to a fact-check comment.
RESPONSES: dict[str, str] = {
    "": "Ej besvarad",
    "changed": "Ändrat",
    "not_changed": "Ej ändrat",
}

MAX_REASON = 2000


class SignOffRuleError(ValueError):
    """A rule of fact-check or sign-off was broken; the message is for the user (Swedish)."""


def canonical_json(content: Mapping[str, Any]) -> str:
    """The one JSON form of ``content`` that its hash is taken over."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)


def content_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the content's canonical JSON."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def sha256_hex(data: bytes) -> str:
    """SHA-256 (hex) of a file's bytes: what a sign-off records of the PDF."""
    return hashlib.sha256(data).hexdigest()


def records_hash(rows: Iterable[tuple[str, Sequence[Any]]]) -> str:
    """SHA-256 (hex) over a review's rows, given as (table, values) in a fixed order.

    The report's content hash covers what the report prints; this one covers every row behind
    it, so that a change the report does not show (two answers swapped with the same counts,
    an akt renamed, a comment edited) is found too. Each row is one line of canonical JSON;
    bytes are written as hex.
    """
    digest = hashlib.sha256()
    for table, values in rows:
        line = json.dumps([table, list(values)], ensure_ascii=False, separators=(",", ":"),
                          default=_jsonable)
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"hex": bytes(value).hex()}
    return str(value)


def short_hash(digest: str) -> str:
    """A hash shown in groups of four for reading aloud or comparing by eye: "3f2a 91c0 …"."""
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def same_person(first: str, second: str) -> bool:
    """Whether two names are the same person's, ignoring case and spacing."""
    def norm(name: str) -> str:
        return " ".join(name.casefold().split())
    return bool(norm(first)) and norm(first) == norm(second)


def check_signers(name: str, role: str, approver: str = "") -> None:
    """A sign-off needs a name and a role; an approver is someone else."""
    if blank(name):
        raise SignOffRuleError("Ange namnet på den som signerar.")
    if blank(role):
        raise SignOffRuleError("Ange rollen för den som signerar, till exempel Granskare.")
    if not blank(approver) and same_person(typed_text(name), typed_text(approver)):
        raise SignOffRuleError(
            "Den som godkänner kan inte vara samma person som signerar; ingen godkänner sin "
            "egen granskning."
        )


def check_reason(reason: str, what: str = "Ange ett skäl.") -> str:
    """A required reason, trimmed (and without the characters the store takes out); ``what``
    is the message when it is missing."""
    text = typed_text(reason).strip()
    if not text:
        raise SignOffRuleError(what)
    if len(text) > MAX_REASON:
        raise SignOffRuleError(f"Skälet är för långt (högst {MAX_REASON} tecken).")
    return text


def check_response(response: str, reason: str) -> tuple[str, str]:
    """The response to a comment: Ändrat (reason optional) or Ej ändrat (reason required)."""
    if response not in RESPONSES:
        raise SignOffRuleError(f"Okänt svar '{response}'. Välj Ändrat eller Ej ändrat.")
    text = typed_text(reason).strip()
    if response == "not_changed" and not text:
        raise SignOffRuleError("Skriv varför texten inte ändrades.")
    return response, text


# --- what changed between two versions of the content -------------------------------------------


@dataclass(frozen=True)
class ContentChange:
    """One place where the content differs: where (a section or a field), how, and the texts."""

    where: str
    kind: str  # "ändrad", "ny", "borttagen"
    before: str
    after: str

    def lines(self) -> list[str]:
        """The change as lines: sentences removed ("− ") and added ("+ ")."""
        return text_diff(self.before, self.after)


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    """A text split into sentences and lines, the unit a reader compares by."""
    return [part.strip() for part in _SENTENCE.split(text) if part.strip()]


def text_diff(before: str, after: str) -> list[str]:
    """The sentences that went ("− …") and came ("+ …"), in order."""
    out: list[str] = []
    for line in difflib.ndiff(sentences(before), sentences(after)):
        if line.startswith("- "):
            out.append("− " + line[2:])
        elif line.startswith("+ "):
            out.append("+ " + line[2:])
    return out


def _section_key(section: Mapping[str, Any]) -> str:
    return f"{section.get('number', '')} {section.get('title', '')}".strip()


def _section_text(section: Mapping[str, Any]) -> str:
    parts = [str(section.get("text", ""))]
    for assessment in section.get("assessments", []):
        rating = assessment.get("rating") or "utan nivå"
        parts.append(f"Bedömning ({rating}): {assessment.get('statement', '')}")
    return "\n".join(part for part in parts if part)


def _field_changes(old: Mapping[str, Any], new: Mapping[str, Any],
                   labels: Mapping[str, str]) -> Iterator[ContentChange]:
    for key, label in labels.items():
        before, after = old.get(key), new.get(key)
        if before != after:
            yield ContentChange(label, "ändrad", _plain(before), _plain(after))


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {_plain(value[key])}" for key in sorted(value))
    return str(value)


REVIEW_LABELS: dict[str, str] = {
    "title": "Titel", "unit": "Enhet", "municipality": "Kommun", "committee": "Nämnd",
    "diary_number": "Diarienummer", "auditors": "Granskare", "period_start": "Period från",
    "period_end": "Period till", "purpose": "Syfte", "scope": "Avgränsning",
}


def compare_content(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[ContentChange]:
    """What differs between two versions of the report's content, in report order."""
    changes = list(_field_changes(old.get("review", {}), new.get("review", {}), REVIEW_LABELS))
    if old.get("method", "") != new.get("method", ""):
        changes.append(ContentChange("Metod", "ändrad", old.get("method", ""),
                                     new.get("method", "")))
    changes.extend(_list_changes(old.get("sections", []), new.get("sections", []),
                                 _section_key, _section_text))
    changes.extend(_list_changes(
        old.get("documents", []), new.get("documents", []),
        lambda d: f"Dokument: {d.get('title', '')}", _document_text))
    changes.extend(_list_changes(
        old.get("interviews", []), new.get("interviews", []),
        lambda i: f"Intervju {i.get('held_on') or ''} {_plain(i.get('roles', []))}".strip(),
        lambda i: "\n".join(i.get("observations", []))))
    changes.extend(_list_changes(
        old.get("results", []), new.get("results", []),
        lambda r: f"Aktgranskning {r.get('code', '')}", _result_text))
    return changes


def _document_text(document: Mapping[str, Any]) -> str:
    return ", ".join(str(document.get(key) or "–") for key in ("kind", "dated", "provided_by"))


def _result_text(row: Mapping[str, Any]) -> str:
    return (f"n={row.get('n')}, Ja {row.get('ja')}, Delvis {row.get('delvis')}, "
            f"Nej {row.get('nej')}, Ej aktuellt {row.get('ej_aktuellt')}")


def _list_changes(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]],
                  key: Any, text: Any) -> Iterator[ContentChange]:
    before = {key(item): text(item) for item in old}
    after = {key(item): text(item) for item in new}
    for name, value in after.items():
        if name not in before:
            yield ContentChange(name, "ny", "", value)
        elif before[name] != value:
            yield ContentChange(name, "ändrad", before[name], value)
    for name, value in before.items():
        if name not in after:
            yield ContentChange(name, "borttagen", value, "")


# --- what the rest of kvtui sees of fact-check rounds, comments and sign-offs -------------------


@dataclass(frozen=True)
class FactCheckRoundView:
    """A draft sent for fact-check: when, and the hash of the content frozen then."""

    id: str
    version: int
    number: int
    sent_on: date
    content_sha256: str
    pdf_sha256: str


@dataclass(frozen=True)
class CommentView:
    """A comment from the unit on the draft, and the auditor's response."""

    id: str
    section_id: str | None
    section_label: str  # "3.1 Utredning", or "Hela rapporten"
    role: str
    text: str
    received_on: date | None
    response: str  # a key of RESPONSES
    response_reason: str

    @property
    def response_label(self) -> str:
        """The response in Swedish: Ändrat, Ej ändrat or Ej besvarad."""
        return RESPONSES.get(self.response, self.response)


@dataclass(frozen=True)
class SignOffView:
    """The sign-off of one version of the report."""

    id: str
    version: int
    name: str
    role: str
    approver_name: str
    approver_role: str
    signed_at: datetime
    content_sha256: str
    pdf_sha256: str
    certificate: str  # the PAdES signer's subject, empty without a digital signature
    certificate_sha256: str = ""  # that certificate's fingerprint
    log_seq: int = 0  # the change log's last entry before signing (0: not recorded)
    log_hash: str = ""
    records_sha256: str = ""  # the hash over every row of the review

    def anchor(self, review_id: str) -> SignOffAnchor | None:
        """What the signed PDF carries of this sign-off, when it was anchored in the log."""
        if not (self.log_hash and self.records_sha256):
            return None
        return SignOffAnchor(review_id, self.version, self.content_sha256,
                             self.records_sha256, self.log_seq, self.log_hash)


ANCHOR_PREFIX = "kvtui-signering"
_HEX64 = "[0-9a-f]{64}"
_ANCHOR = re.compile(
    rf"{ANCHOR_PREFIX}:(?P<review>[0-9a-f-]{{36}}):(?P<version>[0-9]{{1,6}}):"
    rf"(?P<content>{_HEX64}):(?P<records>{_HEX64}):(?P<seq>[0-9]{{1,12}}):(?P<log>{_HEX64})")


@dataclass(frozen=True)
class SignOffAnchor:
    """What a signed PDF says of its sign-off, in its keywords, for ``kvtui verify``: the
    review, the version, the hashes of its content and of all its rows, and the change log's
    end when it was signed.

    Inside the signed bytes, so a store restored from a copy made before the signing, rows
    changed and their hash rewritten, or a log cut back or rebuilt, no longer match the file
    that went to the committee.
    """

    review_id: str
    version: int
    content_sha256: str
    records_sha256: str
    log_seq: int
    log_hash: str

    def keyword(self) -> str:
        """The anchor as one keyword of the PDF."""
        return (f"{ANCHOR_PREFIX}:{self.review_id}:{self.version}:{self.content_sha256}:"
                f"{self.records_sha256}:{self.log_seq}:{self.log_hash}")


def find_anchor(keywords: str) -> SignOffAnchor | None:
    """The anchor in a PDF's keywords, if there is one."""
    found = _ANCHOR.search(keywords)
    if found is None:
        return None
    return SignOffAnchor(found["review"], int(found["version"]), found["content"],
                         found["records"], int(found["seq"]), found["log"])


@dataclass(frozen=True)
class ReopeningView:
    """A signed version reopened: why, by whom, and the version it started."""

    from_version: int
    to_version: int
    reason: str
    actor: str
    at: datetime


def file_passes(*, signed: bool, signature_ok: bool, trust_checked: bool,
                in_store: bool, store_problems: bool = False) -> bool:
    """Whether ``kvtui verify`` accepts a report file.

    A file passes when it is the very file a sign-off in the store recorded, or when it
    carries a signature that is intact, covers the whole file and chains to a certificate the
    user said to trust (a committee reading the report without the auditor's store). A signed
    file must always have a sound signature, whatever the store says, and nothing passes while
    the store contradicts the file: a sign-off that does not match its change-log entry, a
    certificate other than the one recorded, or a store that lacks the sign-off the file names.
    """
    if store_problems or (signed and not signature_ok):
        return False
    return in_store or (signed and signature_ok and trust_checked)
