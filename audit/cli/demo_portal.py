"""For the demo: a vendor answering in the portal, through the real web application served on
loopback (uvicorn in a thread), with the standard library's HTTP client posting what the
portal's forms post: half the answers, a break, the rest and the documents, then submit.

Only the demo uses this; the tool itself never fills a vendor's answers."""

from __future__ import annotations

import http.cookiejar
import re
import secrets
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from audit.questionnaire.document import Questionnaire


class Browser:
    """What a browser does for the portal's plain forms: a cookie jar, redirects, the CSRF
    field each form carries."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
        )
        self.csrf = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            page: str = response.read().decode()
        if found := re.search(r'name="csrf" value="([^"]+)"', page):
            self.csrf = found.group(1)
        return page

    def post(self, path: str, fields: Sequence[tuple[str, str]]) -> str:
        body = urllib.parse.urlencode([("csrf", self.csrf), *fields]).encode()
        with self.opener.open(self.base + path, data=body, timeout=30) as response:
            return str(response.read().decode())

    def upload(self, path: str, fields: Sequence[tuple[str, str]], name: str, data: bytes) -> str:
        boundary = secrets.token_hex(16)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            for key, value in [("csrf", self.csrf), *fields]
        ]
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        body = "".join(parts).encode() + head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(  # noqa: S310 - the demo's own loopback server
            self.base + path,
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with self.opener.open(request, timeout=60) as response:
            return str(response.read().decode())


@dataclass(frozen=True, slots=True)
class Answered:
    after_break: str  # the progress shown on coming back
    answered: str  # the progress at submission
    documents: int


def _fields(control_id: str, value: Any, comment: str | None) -> list[tuple[str, str]]:
    values = value if isinstance(value, list) else [value]
    fields = [(f"m.{control_id}", "1")] + [(f"a.{control_id}", str(v)) for v in values]
    return fields + ([(f"c.{control_id}", comment)] if comment else [])


def _progress(page: str) -> str:
    found = re.search(r'id="progress">([^<]+)<', page)
    return found.group(1) if found else "?"


def answer_in_portal(
    base: str,
    token: str,
    questionnaire: Questionnaire,
    sample: Path,
    completed_by: str,
) -> Answered:
    """The vendor's filled sample copy (YAML), given through the portal as a person would."""
    data = yaml.safe_load(sample.read_text(encoding="utf-8"))
    entries: Mapping[str, Any] = data.get("answers") or {}
    given = [
        (q.id, entries[q.id].get("answer"), entries[q.id].get("comment"))
        for q in questionnaire.questions
        if q.id in entries
        and (entries[q.id].get("answer") is not None or entries[q.id].get("comment"))
    ]
    half = len(given) // 2
    browser = Browser(base)
    browser.get(f"/q/{token}")
    for control_id, value, comment in given[:half]:
        browser.post(f"/portal/a/{control_id}", _fields(control_id, value, comment))
    browser.post("/portal/leave", [])
    back = Browser(base)  # another day, another browser: the same link
    after_break = _progress(back.get(f"/q/{token}"))
    for control_id, value, comment in given[half:]:
        back.post(f"/portal/a/{control_id}", _fields(control_id, value, comment))
    cited: dict[str, list[str]] = {}
    for control_id, entry in entries.items():
        for name in entry.get("evidence") or ():
            cited.setdefault(name, []).append(control_id)
    documents = 0
    for item in data.get("evidence") or ():
        dates = [(k, str(v)) for k, v in item.items() if k not in ("file", "kind") and v]
        controls = [("controls", c) for c in cited.get(item["file"], ())]
        path = sample.parent / item["file"]
        back.upload(
            "/portal/documents",
            [("kind", item["kind"]), *dates, *controls],
            item["file"],
            path.read_bytes(),
        )
        documents += 1
    answered = _progress(back.get("/portal"))
    back.post("/portal/submit", [("completed_by", completed_by)])
    return Answered(after_break, answered, documents)
