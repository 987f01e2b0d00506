package eko.digilocker;

import java.util.List;

/**
 * What createDigilockerUrl sends. Null fields take the client's defaults: the spec's default
 * documents, the client's user code, and a fresh client_ref_id (the same on every attempt).
 */
public record CreateInput(String redirectUrl, List<String> documentRequested, String clientRefId, String userCode) {
  public static CreateInput of(String redirectUrl) {
    return new CreateInput(redirectUrl, null, null, null);
  }

  public CreateInput withDocuments(List<String> documents) {
    return new CreateInput(redirectUrl, documents, clientRefId, userCode);
  }

  public CreateInput withClientRefId(String id) {
    return new CreateInput(redirectUrl, documentRequested, id, userCode);
  }

  public CreateInput withUserCode(String code) {
    return new CreateInput(redirectUrl, documentRequested, clientRefId, code);
  }
}
