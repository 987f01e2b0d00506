"""`eko-digilocker`: the client's calls, request signing and the local sandbox from a shell."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Sequence
from typing import Any

from .client import EkoClient
from .errors import EkoError
from .settings import Settings
from .signing import EkoAuth, now_ms
from .spec import example, operation

CREDENTIALS_HELP = (
    "Credentials come from EKO_DEVELOPER_KEY, EKO_ACCESS_KEY, EKO_INITIATOR_ID and "
    "EKO_USER_CODE; the target from --base-url / EKO_BASE_URL or --environment / "
    "EKO_ENVIRONMENT (uat by default)."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eko-digilocker",
        description="Call Eko's DigiLocker API, sign requests, or run the local sandbox.",
        epilog=CREDENTIALS_HELP,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    target = argparse.ArgumentParser(add_help=False)
    target.add_argument("--base-url", help="API base URL, e.g. the local sandbox's")
    target.add_argument("--environment", choices=["uat", "production"], help="Eko environment")
    target.add_argument("--user-code", help="overrides EKO_USER_CODE")
    target.add_argument("--client-ref-id", help="your unique id for this call (<= 20 chars)")
    target.add_argument("--timeout", type=float, help="seconds per attempt")
    target.add_argument("--max-retries", type=int, help="retries on safe failures")

    create = commands.add_parser(
        "create-url", parents=[target], help="create a DigiLocker URL", epilog=CREDENTIALS_HELP
    )
    create.add_argument("--redirect-url", required=True, help="where DigiLocker sends the user")
    create.add_argument(
        "--document", action="append", dest="documents", help="document type (repeatable)"
    )

    status = commands.add_parser(
        "status", parents=[target], help="get a session's verification status"
    )
    status.add_argument("--reference-id", type=int, required=True)

    document = commands.add_parser(
        "document", parents=[target], help="fetch the verified document(s)"
    )
    document.add_argument("--reference-id", required=True)
    document.add_argument("--verification-id", required=True)
    document.add_argument(
        "--document-type", action="append", dest="documents", help="document type (repeatable)"
    )

    sign = commands.add_parser(
        "sign", parents=[target], help="print signing headers and a ready curl command"
    )
    sign.add_argument("--timestamp", type=int, help="milliseconds since the epoch (default: now)")

    commands.add_parser(
        "sandbox",
        help="run the local sandbox (options: eko-digilocker sandbox --help)",
        add_help=False,
    )
    return parser


def _client(args: argparse.Namespace) -> EkoClient:
    options: dict[str, Any] = {"base_url": args.base_url, "environment": args.environment}
    if args.timeout is not None:
        options["timeout"] = args.timeout
    if args.max_retries is not None:
        options["max_retries"] = args.max_retries
    return EkoClient(**options)


def _run(args: argparse.Namespace) -> Any:
    if args.command == "sign":
        return _sign(args)
    documents = getattr(args, "documents", None)  # None: the spec's default
    with _client(args) as eko:
        if args.command == "create-url":
            data: Any = eko.create_digilocker_url(
                args.redirect_url, documents, args.client_ref_id, args.user_code
            )
        elif args.command == "status":
            data = eko.get_verification_status(
                args.reference_id, args.client_ref_id, args.user_code
            )
        else:
            data = eko.get_document(
                args.reference_id,
                args.verification_id,
                documents,
                args.client_ref_id,
                args.user_code,
            )
    return data.to_dict()


def _sign(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings.resolve(base_url=args.base_url, environment=args.environment)
    fixed = args.timestamp
    clock = now_ms if fixed is None else (lambda: fixed)
    auth = EkoAuth(settings.developer_key, settings.access_key, clock=clock)
    headers = {**auth.headers(), "content-type": "application/json"}
    create = operation("createDigilockerUrl")
    body = example(create.operation_id)
    body.update(initiator_id=settings.initiator_id, user_code=args.user_code or settings.user_code)
    curl = ["curl", "-sS", "-X", create.method, settings.base_url + create.path]
    for name, value in headers.items():
        curl += ["-H", f"{name}: {value}"]
    curl += ["-d", json.dumps(body)]
    return {"headers": headers, "curl": shlex.join(curl)}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["sandbox"]:
        from eko_digilocker_sandbox.server import main as sandbox_main  # only when asked

        code: int = sandbox_main(argv[1:])
        return code
    args = _parser().parse_args(argv)
    try:
        result = _run(args)
    except EkoError as exc:
        print(f"eko-digilocker: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if args.command == "sign":
        for name, value in result["headers"].items():
            print(f"{name}: {value}")
        print(result["curl"])
    else:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
