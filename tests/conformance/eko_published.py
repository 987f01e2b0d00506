"""Every DigiLocker answer Eko publishes, copied verbatim from Eko's own files (only an
elided `...` dropped). The corpus holds each as a case (tests/conformance/test_corpus.py
checks it), so a shape Eko documents cannot be missing from what the clients are tested on.

Sources (github.com/ekoindia, as fetched on 2026-12-04):
- eps-platform `src/lib/data/api-specs.ts` (commit 774ff2f): the entries
  `digilocker-create-url`, `digilocker-get-document`, `digilocker-verification-status`;
  eps-platform's mock server (`packages/eps-mock-server`) replays the same samples.
- eps-platform `src/content/docs/error-codes.mdx`: the input validation example.
- eps-platform `packages/eps-mock-server/src/server.ts`: its answer to a route it has no
  fixture for (HTTP 404).
- openapi-spec `markdown/README.md` section 7 (commit ea079da): 7.1-7.3 sample answers.
"""

from __future__ import annotations

from typing import Any

CREATE, STATUS, DOCUMENT = (
    "createDigilockerUrl",
    "getDigilockerVerificationStatus",
    "getDigilockerDocument",
)

# (source, operationId, HTTP status, body)
PUBLISHED: list[tuple[str, str, int, Any]] = [
    (
        "api-specs.ts digilocker-create-url sampleSuccessResponse",
        CREATE,
        200,
        {
            "status": 0,
            "response_status_id": 0,
            "message": "DigiLocker URL created successfully",
            "response_type_id": 1388,
            "data": {
                "reference_id": 7483920,
                "url": "https://digilocker.gov.in/auth?session_id=abc123xyz",
                "document_requested": ["AADHAAR"],
                "redirect_url": "https://yourapp.com/kyc/callback",
            },
        },
    ),
    (
        "api-specs.ts digilocker-create-url errorScenarios[0]",
        CREATE,
        200,
        {
            "status": 1,
            "response_status_id": 301,
            "message": "Invalid redirect URL provided.",
            "response_type_id": 1388,
            "data": {},
        },
    ),
    (
        "api-specs.ts digilocker-get-document sampleSuccessResponse",
        DOCUMENT,
        200,
        {
            "status": 0,
            "response_status_id": 0,
            "message": "Documents retrieved successfully",
            "response_type_id": 1388,
            "data": {
                "verification_status": "SUCCESS",
                "documents": [
                    {
                        "document_type": "AADHAAR",
                        "name": "Vikram Singh",
                        "dob": "12-11-1987",
                        "gender": "M",
                        "masked_aadhaar": "XXXX-XXXX-2345",
                        "photo": "/9j/4AAQSkZJRgABAQ...",
                        "issue_date": "01-01-2020",
                        "address": {
                            "house": "15B",
                            "street": "Nehru Street",
                            "village_or_city": "Chennai",
                            "district": "Chennai",
                            "state": "Tamil Nadu",
                            "pincode": "600001",
                        },
                    }
                ],
            },
        },
    ),
    (
        "api-specs.ts digilocker-get-document errorScenarios[0]",
        DOCUMENT,
        200,
        {
            "status": 1,
            "response_status_id": 327,
            "message": "Verification pending. Customer has not completed DigiLocker consent.",
            "response_type_id": 1388,
            "data": {},
        },
    ),
    (
        "api-specs.ts digilocker-get-document errorScenarios[1]",
        DOCUMENT,
        200,
        {
            "status": 1,
            "response_status_id": 463,
            "message": "Invalid reference ID. Please check and retry.",
            "response_type_id": 1388,
            "data": {},
        },
    ),
    (
        "api-specs.ts digilocker-verification-status sampleSuccessResponse",
        STATUS,
        200,
        {
            "status": 0,
            "response_status_id": 0,
            "message": "Verification status fetched successfully",
            "response_type_id": 1389,
            "data": {
                "user_details": {
                    "name": "Rahul Sharma",
                    "dob": "15-08-1990",
                    "gender": "M",
                    "eaadhaar": "Y",
                    "mobile": "98XXXXXXXX",
                },
                "document_requested": ["AADHAAR"],
                "document_consent": [{"document_type": "AADHAAR", "consent": "Y"}],
            },
        },
    ),
    (
        "api-specs.ts digilocker-verification-status errorScenarios[0]",
        STATUS,
        200,
        {
            "status": 1,
            "response_status_id": -1,
            "message": "Verification pending. User has not completed DigiLocker consent.",
            "data": {},
        },
    ),
    (
        "api-specs.ts digilocker-verification-status errorScenarios[1]",
        STATUS,
        200,
        {
            "status": 1,
            "response_status_id": -1,
            "message": "Invalid reference_id",
            "data": {},
        },
    ),
    (
        "error-codes.mdx input validation example (no data, no message)",
        CREATE,
        200,
        {
            "status": 461,
            "response_status_id": 1,
            "response_type_id": -1,
            "invalid_params": {"name": "Name too long", "dob": "Must be over 18 years"},
        },
    ),
    (
        "eps-mock-server: a route it has no fixture for",
        CREATE,
        404,
        {"status": 1, "message": "No mock for this route"},
    ),
    (
        "openapi-spec README 7.1 sample response",
        CREATE,
        200,
        {
            "status": 0,
            "response_status_id": 0,
            "response_type_id": 1627,
            "message": "DigiLocker URL creation success",
            "data": {
                "reference_id": 123456,
                "url": "https://digilocker.gov.in/link-verification?verification_id=123456",
                "document_requested": ["AADHAAR"],
                "redirect_url": "https://your-redirect-url.com/verification-status?verification_id=123456",
            },
        },
    ),
    (
        "openapi-spec README 7.2 sample response",
        STATUS,
        200,
        {
            "status": 0,
            "response_status_id": 0,
            "response_type_id": 1628,
            "message": "DigiLocker Verification Status Retrieved",
            "data": {
                "user_details": {
                    "name": "John Doe",
                    "dob": "1990-05-15",
                    "gender": "Male",
                    "eaadhaar": "Available",
                    "mobile": "9876543210",
                },
                "document_requested": ["AADHAAR"],
                "document_consent": ["Y"],
            },
        },
    ),
    (
        "openapi-spec README 7.3 sample response (the legacy GET document call)",
        DOCUMENT,
        200,
        {
            "status": 0,
            "response_status_id": 0,
            "response_type_id": 1630,
            "message": "DigiLocker Document Retrieved",
            "data": {
                "care_of": "John Doe's Father",
                "dob": "1990-05-15",
                "gender": "Male",
                "name": "John Doe",
                "photo_link": "https://link_to_photo.com",
                "split_address": {
                    "country": "India",
                    "dist": "Delhi",
                    "house": "123",
                    "landmark": "Near Central Park",
                    "pincode": "110001",
                    "po": "New Delhi",
                    "state": "Delhi",
                    "street": "MG Road",
                    "subdist": "Central",
                    "vtc": "Delhi",
                },
                "uid": "123456789012",
                "reference_id": 123456,
            },
        },
    ),
]
