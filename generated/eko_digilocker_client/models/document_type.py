from enum import StrEnum


class DocumentType(StrEnum):
    AADHAAR = "AADHAAR"
    DRIVING_LICENSE = "DRIVING_LICENSE"
    PAN = "PAN"

    def __str__(self) -> str:
        return str(self.value)
