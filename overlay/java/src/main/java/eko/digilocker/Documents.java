package eko.digilocker;

import eko.digilocker.client.model.DigilockerDocument;
import eko.digilocker.client.model.DigilockerDocumentPayload;
import java.util.List;

/** The documents of a completed verification. */
public record Documents(List<DigilockerDocument> documents, DigilockerDocumentPayload data) {}
