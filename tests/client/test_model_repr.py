"""The generated models print readably (issue 23 item 20): a field the answer left out
reads `UNSET`, not `<eko_digilocker_client.types.Unset object at 0x...>`."""

from __future__ import annotations

from eko_digilocker_client.models import Envelope
from eko_digilocker_client.types import UNSET


def test_an_unset_field_reads_unset_in_a_models_repr() -> None:
    text = repr(Envelope.from_dict({"status": 0, "message": "x"}))
    assert "object at 0x" not in text
    assert "response_status_id=UNSET" in text
    assert repr(UNSET) == str(UNSET) == "UNSET"
    assert not UNSET  # still falsy, as the generated code relies on
