package eko.digilocker;

import eko.digilocker.client.model.VerificationStatusPayload;

/**
 * An authenticated session's status (anything else is an {@link EkoApiException}: pending,
 * denied, expired...).
 */
public record VerificationStatus(VerificationStatusPayload data) {}
