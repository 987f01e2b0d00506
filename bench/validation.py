"""Figure 3: the cost per request of validating input against the spec.

The client's validator (jsonschema-rs, compiled once from the spec) against the
reference Python implementation (python-jsonschema) on the same schema and body.
"""

from __future__ import annotations

import jsonschema

from bench.timing import Comparison, compare
from eko_digilocker.spec import operation, standalone

BODY = {
    "initiator_id": "9962981729",
    "user_code": "20810200",
    "client_ref_id": "REQ-20260101-001",
    "document_requested": ["AADHAAR"],
    "redirect_url": "https://yourapp.com/kyc/callback",
}


def input_validation(rounds: int, calls: int) -> Comparison:
    validator = operation("createDigilockerUrl").body
    assert validator is not None
    reference = jsonschema.Draft202012Validator(
        standalone(validator.schema),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    assert validator.errors(BODY) == []
    assert reference.is_valid(BODY)
    return compare(
        lambda: validator.errors(BODY),
        lambda: list(reference.iter_errors(BODY)),
        rounds=rounds,
        calls=calls,
    )
