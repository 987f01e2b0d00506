from enum import StrEnum


class SessionState(StrEnum):
    AUTHENTICATED = "AUTHENTICATED"
    CONSENT_DENIED = "CONSENT_DENIED"
    EXPIRED = "EXPIRED"
    PENDING = "PENDING"

    def __str__(self) -> str:
        return str(self.value)
