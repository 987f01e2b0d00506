"""`eko-digilocker`: the client's calls and request signing from a shell; with the sandbox
extra installed, also `eko-digilocker sandbox` and `proxy` (commands that package adds).

Exit codes: 0 done; 1 the call failed (Eko refused it, the network, an answer that
cannot be read; one line on stderr); 2 bad input: arguments, settings (credentials,
environment) or values the spec refuses, found before anything is sent (one line on
stderr); 3 `status` or `document` of a session still pending (the customer has not
consented yet, or Eko's documents are not ready; printed on stdout). `sandbox` and
`proxy` exit 2 on bad arguments too, and 1 when they cannot run (a port in use, the
sandbox extra not installed).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from ._version import __version__

if TYPE_CHECKING:
    from .client import EkoClient

FAILED_EXIT = 1
#: Every kind of bad input: a command line argparse refuses, a missing or invalid
#: setting, a value the spec refuses. Nothing was sent.
BAD_INPUT_EXIT = 2
PENDING_EXIT = 3
CREDENTIALS_HELP = (
    "Credentials come from EKO_DEVELOPER_KEY, EKO_ACCESS_KEY, EKO_INITIATOR_ID and "
    "EKO_USER_CODE; the target from --base-url / EKO_BASE_URL or --environment / "
    f"EKO_ENVIRONMENT (uat by default). Exit codes: 0 done, {FAILED_EXIT} the call failed "
    f"(Eko refused it, the network, an unreadable answer), {BAD_INPUT_EXIT} bad input "
    "(arguments, settings or values the spec refuses; nothing sent), "
    f"{PENDING_EXIT} status or document of a session still pending."
)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (`eko-digilocker status: error: ...`), exit status
    BAD_INPUT_EXIT; its subcommand parsers are of this class too."""

    def error(self, message: str) -> NoReturn:
        self.exit(
            BAD_INPUT_EXIT,
            _escaped(f"{self.prog}: error: {message} (see {self.prog} --help)") + "\n",
        )


def _positive_whole_number(what: str, max_digits: int | None = None) -> Callable[[str], str]:
    """An option that must be a whole number above 0, given as digits; said plainly rather
    than as a schema's "must be of type integer" for `-5`."""

    def check(text: str) -> str:
        digits = text.strip()
        if not (digits.isascii() and digits.isdigit() and digits.strip("0")) or len(digits) > (
            max_digits or len(digits)
        ):
            limit = f" of at most {max_digits} digits" if max_digits else ""
            raise argparse.ArgumentTypeError(
                f"must be a whole number above 0{limit} ({what}), not {text[:40]!r}"
            )
        return digits

    return check


def _parser(added_commands: Sequence[str] = ()) -> argparse.ArgumentParser:
    from .options import environments

    parser = _Parser(
        prog="eko-digilocker",
        description="Call Eko's DigiLocker API, sign requests, or run the local sandbox.",
        epilog=CREDENTIALS_HELP,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    target = _Parser(add_help=False)
    target.add_argument("--base-url", help="API base URL with its scheme, e.g. the sandbox's")
    target.add_argument(
        "--environment",
        choices=sorted(environments()),
        help="Eko environment (not with --base-url)",
    )
    target.add_argument("--user-code", help="overrides EKO_USER_CODE")
    target.add_argument(
        "--client-ref-id", help="your unique id for this call (<= 20 chars; default: generated)"
    )
    sending = _Parser(add_help=False)
    sending.add_argument(
        "--timeout", type=float, help="seconds for the whole call, retries included"
    )
    sending.add_argument("--max-retries", type=int, help="retries on safe failures")
    documents = _Parser(add_help=False)
    documents.add_argument(
        "--document-type",
        "--document",
        action="append",
        dest="documents",
        help="document type, e.g. AADHAAR (repeatable)",
    )
    reference = _Parser(add_help=False)
    reference.add_argument(
        "--reference-id",
        required=True,
        type=_positive_whole_number("the reference_id create-url returned"),
        help="the reference_id create-url returned",
    )

    def command(name: str, help: str, *parents: _Parser) -> Any:
        return commands.add_parser(name, parents=list(parents), help=help, epilog=CREDENTIALS_HELP)

    create = command("create-url", "create a DigiLocker URL", target, sending, documents)
    create.add_argument("--redirect-url", required=True, help="where DigiLocker sends the user")

    command("status", "get a session's verification status", target, sending, reference)

    document = command(
        "document",
        "fetch the verified document(s) (default: the ones the session requested)",
        target,
        sending,
        reference,
        documents,
    )
    document.add_argument(
        "--verification-id",
        required=True,
        help="the verification_id the customer came back with (see parse_redirect)",
    )

    sign = command("sign", "print signing headers and a ready curl command", target)
    sign.add_argument(
        "--timestamp",
        type=_positive_whole_number("milliseconds since the UNIX epoch", max_digits=18),
        help="milliseconds since the epoch (default: now)",
    )

    for name in added_commands:
        commands.add_parser(name, help=f"added by another package (eko-digilocker {name} --help)")
    return parser


def _client(args: argparse.Namespace) -> EkoClient:
    from .client import EkoClient

    options: dict[str, Any] = {"base_url": args.base_url, "environment": args.environment}
    if args.timeout is not None:
        options["timeout"] = args.timeout
    if args.max_retries is not None:
        options["max_retries"] = args.max_retries
    return EkoClient(**options)


def _run(args: argparse.Namespace) -> tuple[int, Any]:
    from .errors import EkoVerificationPendingError

    if args.command == "sign":
        return 0, _sign(args)
    documents = getattr(args, "documents", None)  # None: the default
    with _client(args) as eko:
        if args.command == "create-url":
            data: Any = eko.create_digilocker_url(
                args.redirect_url,
                document_requested=documents,
                client_ref_id=args.client_ref_id,
                user_code=args.user_code,
            )
            return 0, data.to_dict()
        try:
            if args.command == "status":
                data = eko.get_verification_status(
                    args.reference_id, client_ref_id=args.client_ref_id, user_code=args.user_code
                )
            else:
                data = eko.get_document(
                    args.reference_id,
                    args.verification_id,
                    document_type=documents,
                    client_ref_id=args.client_ref_id,
                    user_code=args.user_code,
                )
        except EkoVerificationPendingError as pending:
            from eko_digilocker_client.models import SessionState

            state = SessionState.PENDING.value
            return PENDING_EXIT, {"session_status": state, "message": pending.message}
    return 0, data.to_dict()


def _sign(args: argparse.Namespace) -> dict[str, Any]:
    import shlex

    from .calls import new_client_ref_id
    from .options import Settings
    from .signing import EkoAuth, now_ms
    from .spec import example, operation

    settings = Settings.resolve(base_url=args.base_url, environment=args.environment)
    fixed = None if args.timestamp is None else int(args.timestamp)
    clock = now_ms if fixed is None else (lambda: fixed)
    auth = EkoAuth(settings.developer_key, settings.access_key, clock=clock)
    headers = {**auth.headers(), "content-type": "application/json"}
    create = operation("createDigilockerUrl")
    body = example(create.operation_id)
    body["initiator_id"] = settings.initiator_id
    user_code = args.user_code or settings.user_code
    if user_code is None:
        body.pop("user_code", None)  # optional: sent as null, it would be refused
    else:
        body["user_code"] = user_code
    # A fresh id, as the client gives each POST: the spec example's would make every
    # pasted command a repeat of the same request.
    body["client_ref_id"] = args.client_ref_id or new_client_ref_id()
    curl = ["curl", "-sS", "-X", create.method, settings.base_url + create.path]
    for name, value in headers.items():
        curl += ["-H", f"{name}: {value}"]
    curl += ["-d", json.dumps(body)]
    return {"headers": headers, "curl": shlex.join(curl)}


def _escaped(text: str) -> str:
    """`text` with every character that could drive a terminal or forge a line written as
    an escape (`\\x1b`, `\\u2028`): C0 and C1 controls, format characters (bidi
    overrides), line and paragraph separators, lone surrogates (undecodable shell input).
    Servers choose the messages we print."""
    if text.isprintable():  # none of them (nor any other space than " "): the usual case
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) in _UNPRINTABLE
        else char
        for char in text
    )


#: Unicode categories `_escaped` escapes: controls, format, surrogates, private use,
#: unassigned, line and paragraph separators.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _say(text: str, stream: Any) -> None:
    """Print `text` as one line, escaped."""
    print(_escaped(text), file=stream)


# Commands other packages add, by entry point: the sandbox extra adds `sandbox` and `proxy`
# (pyproject.toml). Looked up only when asked for, as importlib.metadata costs ~40 ms.
COMMANDS_GROUP = "eko_digilocker.commands"
OWN_COMMANDS = frozenset({"create-url", "status", "document", "sign"})


def _added_commands() -> dict[str, Any]:
    from importlib.metadata import entry_points

    return {point.name: point for point in entry_points(group=COMMANDS_GROUP)}


def _run_added(name: str, argv: list[str]) -> int | None:
    """Run the added command `name`, or None when no package adds one by that name."""
    point = _added_commands().get(name)
    if point is None:
        return None
    try:
        command = point.load()
    except ImportError as exc:  # the package is there, its dependencies are not
        _say(
            f"eko-digilocker {name}: needs the sandbox's dependencies, which are not "
            f"installed ({exc}): pip install 'eko-digilocker[sandbox]'",
            sys.stderr,
        )
        return 1
    code: int = command(argv)  # each says itself, in one line, why it cannot run
    return code


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and not argv[0].startswith("-") and argv[0] not in OWN_COMMANDS:
        code = _run_added(argv[0], argv[1:])
        if code is not None:
            return code
    asks_help = not argv or argv[0] in ("-h", "--help")
    args = _parser(sorted(_added_commands()) if asks_help else ()).parse_args(argv)

    from .errors import EkoConfigurationError, EkoConfigurationWarning, EkoError, EkoValidationError

    try:
        with warnings.catch_warnings():
            # --environment on the command line is meant: it beats EKO_BASE_URL unwarned
            warnings.simplefilter("ignore", EkoConfigurationWarning)
            code, result = _run(args)
    except EkoError as exc:
        _say(f"eko-digilocker: {type(exc).__name__}: {exc}", sys.stderr)
        bad_input = isinstance(exc, EkoValidationError | EkoConfigurationError)
        return BAD_INPUT_EXIT if bad_input else FAILED_EXIT
    if args.command == "sign":
        for name, value in result["headers"].items():
            print(f"{name}: {value}")
        _say(result["curl"], sys.stdout)
    else:
        for line in json.dumps(result, indent=2).split("\n"):
            _say(line, sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
