"""A customer who follows a consent URL and answers the real consent page over HTTP.

    customer = Customer()
    back = customer.approve(session.url)   # GET the page, submit its form's Approve button
    back.location                          # where the page sends them: your redirect_url...
    back.redirect                          # ...read by eko_digilocker.parse_redirect

Nothing is assumed about the page beyond HTML: the form, its hidden fields and its
submit buttons are read from what the page serves, as a browser would.

A link that takes no decision raises `ConsentPageError`; an expired one, its subclass
`ConsentExpiredError` (the page's HTTP 410).
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from types import TracebackType
from typing import Self
from urllib.parse import urljoin

import httpx

from eko_digilocker import ConsentRedirect, parse_redirect

DEFAULT_TIMEOUT = 10.0
# A consent page is a few KiB; refuse to read anything far bigger (settable per Customer).
MAX_PAGE_BYTES = 256 * 1024


class ConsentPageError(Exception):
    """The consent URL did not lead to a form that takes the decision: an unknown link
    (HTTP 404), a decision already taken, no such button, a page too large.
    `status_code` is the page's HTTP status when one was read."""

    def __init__(self, url: str, reason: str, status_code: int | None = None) -> None:
        super().__init__(f"{reason} ({url})")
        self.url = url
        self.reason = reason
        self.status_code = status_code


class ConsentExpiredError(ConsentPageError):
    """The consent link has expired (HTTP 410): the session's consent window is over,
    or `SandboxControl.expire` ended it, before or while the customer answered."""


#: HTTP 410 Gone: what the consent page answers for an expired link.
EXPIRED_STATUS = 410


def _page_error(url: str, reason: str, status_code: int) -> ConsentPageError:
    error = ConsentExpiredError if status_code == EXPIRED_STATUS else ConsentPageError
    return error(url, reason, status_code)


@dataclass(frozen=True)
class ConsentForm:
    """The consent page's form: where it posts, its hidden fields, its submit buttons
    (label, lower case -> the name and value the button submits)."""

    action: str
    method: str
    fields: dict[str, str]
    buttons: dict[str, tuple[str, str]]


@dataclass(frozen=True)
class CustomerReturn:
    """Where the consent page sent the customer, and that return read by `parse_redirect`."""

    location: str
    redirect: ConsentRedirect


class _FormReader(HTMLParser):
    """Collects the first <form>: its attributes, hidden inputs and submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.form: dict[str, str] | None = None
        self.fields: dict[str, str] = {}
        self.buttons: dict[str, tuple[str, str]] = {}
        self._in_form = False
        self._button: tuple[str, str] | None = None
        self._label: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "form" and self.form is None:
            self.form, self._in_form = attr, True
        elif not self._in_form:
            return
        elif tag == "input" and attr.get("type", "text").lower() == "hidden" and "name" in attr:
            self.fields[attr["name"]] = attr.get("value", "")
        elif tag == "input" and attr.get("type", "").lower() == "submit" and "name" in attr:
            self._add_button(attr.get("value", ""), attr["name"], attr.get("value", ""))
        elif tag == "button" and attr.get("type", "submit").lower() == "submit":
            self._button, self._label = (attr.get("name", ""), attr.get("value", "")), []

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._label.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._button is not None:
            self._add_button("".join(self._label), *self._button)
            self._button = None
        elif tag == "form":
            self._in_form = False

    def _add_button(self, label: str, name: str, value: str) -> None:
        self.buttons[label.strip().lower()] = (name, value)


class Customer:
    """Answers consent pages over HTTP, the way a customer's browser would (sync)."""

    def __init__(
        self, *, timeout: float = DEFAULT_TIMEOUT, max_page_bytes: int = MAX_PAGE_BYTES
    ) -> None:
        self._http = httpx.Client(timeout=timeout, follow_redirects=False)
        self.max_page_bytes = max_page_bytes

    def open(self, consent_url: str) -> ConsentForm:
        """GET the consent page and read its form (at most `max_page_bytes` of it).

        Raises `ConsentExpiredError` for an expired link, `ConsentPageError` for any
        other page without a consent form (unknown link, decision already taken)."""
        with self._http.stream("GET", consent_url) as response:
            if response.status_code != 200:
                raise _page_error(
                    consent_url,
                    f"the consent page answered HTTP {response.status_code}",
                    response.status_code,
                )
            page = bytearray()
            for chunk in response.iter_bytes():
                page += chunk
                if len(page) > self.max_page_bytes:
                    raise ConsentPageError(
                        consent_url, f"the consent page is over {self.max_page_bytes} bytes"
                    )
            encoding = response.encoding or "utf-8"
            page_url = str(response.url)
        reader = _FormReader()
        reader.feed(page.decode(encoding, "replace"))
        if reader.form is None or not reader.buttons:
            raise ConsentPageError(consent_url, "the page has no consent form (decided already?)")
        return ConsentForm(
            action=urljoin(page_url, reader.form.get("action", "")),
            method=reader.form.get("method", "get").upper(),
            fields=reader.fields,
            buttons=reader.buttons,
        )

    def approve(self, consent_url: str) -> CustomerReturn:
        """Press Approve; returns where the page sends the customer back to.

        Raises `ConsentExpiredError` when the link has expired (a `ConsentPageError`,
        which is raised for every other page that takes no decision)."""
        return self.decide(consent_url, "approve")

    def deny(self, consent_url: str) -> CustomerReturn:
        """Press Deny; raises as `approve` does."""
        return self.decide(consent_url, "deny")

    def decide(self, consent_url: str, button: str) -> CustomerReturn:
        """Submit the consent form with the button labelled `button` (any case); raises
        as `approve` does, `ConsentExpiredError` also when the link expires between
        opening the page and submitting it."""
        form = self.open(consent_url)
        chosen = form.buttons.get(button.lower())
        if chosen is None:
            raise ConsentPageError(
                consent_url, f"no {button!r} button; the form has {sorted(form.buttons)}"
            )
        name, value = chosen
        data = {**form.fields, **({name: value} if name else {})}
        if form.method == "POST":
            request = self._http.build_request("POST", form.action, data=data)
        else:
            request = self._http.build_request("GET", form.action, params=data)
        # Only the status and Location matter: the body is never read.
        response = self._http.send(request, stream=True)
        response.close()
        location = response.headers.get("location")
        if not response.is_redirect or not location:
            raise _page_error(
                consent_url,
                f"submitting {button!r} answered HTTP {response.status_code}, not a redirect",
                response.status_code,
            )
        location = urljoin(form.action, location)
        return CustomerReturn(location=location, redirect=parse_redirect(location))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
