package eko.digilocker;

import eko.digilocker.client.model.DigilockerUrlPayload;
import java.net.URI;

/**
 * A new consent session: send the customer to {@link #url()}; keep {@link #referenceId()}.
 *
 * @param clientRefId the client_ref_id the call sent (yours, or the one the client made)
 * @param data the answer's data as the generated model reads it
 */
public record DigilockerSession(long referenceId, URI url, String clientRefId, DigilockerUrlPayload data) {}
