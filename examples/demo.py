"""The DigiLocker journey end to end, against the embedded sandbox (`make demo`).

    python examples/demo.py                    the journey in each answer profile
    python examples/demo.py --profile legacy   in one (eps: Eko's corrected answers,
                                               legacy: the legacy README's)

Starts the sandbox on a free loopback port, then with the overlay client: creates a
DigiLocker URL, shows the session pending, approves the consent through the sandbox's
control surface (standing in for the customer's click), waits for the consent, fetches
the document, and stops the sandbox. Uses Eko's published public UAT test credentials,
which the sandbox accepts by default.
"""

from __future__ import annotations

import argparse
import time

import httpx

from eko_digilocker import EkoClient, EkoVerificationPendingError
from eko_digilocker_sandbox import UAT_TEST_ACCOUNT, SandboxConfig, running_sandbox
from eko_digilocker_sandbox.config import PROFILES

REDIRECT_URL = "https://yourapp.example/kyc/callback"


def step(number: int, text: str) -> None:
    print(f"\n[{number}] {text}")


def journey(profile: str) -> None:
    started = time.perf_counter()
    with running_sandbox(SandboxConfig(profile=profile)) as base_url:
        step(1, f"Sandbox listening at {base_url}, answering in the {profile!r} profile")
        with EkoClient(**UAT_TEST_ACCOUNT, base_url=base_url) as eko:
            session = eko.create_digilocker_url(
                REDIRECT_URL, client_ref_id=f"DEMO-{int(time.time())}"
            )
            step(2, "Created a DigiLocker URL (signed POST /tools/kyc/digilocker)")
            print(f"    reference_id: {session.reference_id}")
            print(f"    send the customer to: {session.url}")

            step(3, "Status before the customer acts")
            try:
                eko.get_verification_status(session.reference_id)
            except EkoVerificationPendingError as pending:
                # eps: `status` 1, `response_status_id` -1; legacy: code 327 in response_status_id
                print(f"    pending: {pending}")

            step(4, "The customer approves on the consent page (here: the control surface)")
            decision = httpx.post(
                f"{base_url}/_sandbox/sessions/{session.reference_id}/approve", timeout=10
            ).json()
            print(f"    DigiLocker sends them back to: {decision['redirect_location']}")

            step(5, "Waiting for consent (polls the status call)")
            result = eko.wait_for_consent(session.reference_id, timeout=10, interval=0.2)
            print(f"    state: {result.state}")
            if result.details and result.details.user_details:
                user = result.details.user_details
                print(f"    customer: {user.name}, born {user.dob}, {user.gender}")
                print(f"    mobile: {user.mobile}, e-Aadhaar: {user.eaadhaar}")

            step(6, "Fetching the verified document")
            document = eko.get_document(session.reference_id, decision["verification_id"])
            for item in document.documents or []:
                print(f"    {item.document_type}: {item.name}, Aadhaar {item.masked_aadhaar}")
    step(7, f"Sandbox stopped. Whole journey took {time.perf_counter() - started:.2f} s.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=PROFILES, help="one profile (default: each)")
    args = parser.parse_args(argv)
    for profile in [args.profile] if args.profile else PROFILES:
        print(f"\n=== profile {profile} ===")
        journey(profile)


if __name__ == "__main__":
    main()
