import eko.digilocker.ConsentRedirect;
import eko.digilocker.ConsentResult;
import eko.digilocker.CreateInput;
import eko.digilocker.DigilockerSession;
import eko.digilocker.Documents;
import eko.digilocker.EkoApiException;
import eko.digilocker.EkoClient;
import eko.digilocker.EkoConsentDeniedException;
import eko.digilocker.EkoException;
import eko.digilocker.EkoSessionExpiredException;
import eko.digilocker.EkoTimeoutException;
import eko.digilocker.EkoValidationException;
import eko.digilocker.EkoVerificationPendingException;
import eko.digilocker.Keys;
import eko.digilocker.VerificationStatus;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The example of docs/other-languages.md (tests/conformance/test_docs_examples.py keeps the two
 * the same); compiled with the runner, not run: it would call Eko's UAT.
 */
final class Example {
  private Example() {}

  static void journey(Keys keys, URI callback) {
    EkoClient eko = EkoClient.builder()
        .environment("uat") // or .baseUrl("http://127.0.0.1:8080") for a local sandbox
        .keys(keys) // or EKO_DEVELOPER_KEY and EKO_ACCESS_KEY
        .initiatorId("9962981729") // or EKO_INITIATOR_ID
        .timeout(Duration.ofSeconds(60))
        .maxRetries(2)
        .build();

    // 1. A consent session: send the customer to s.url(), keep s.referenceId() (a long).
    DigilockerSession s = eko.createDigilockerUrl(CreateInput.of("https://yourapp.com/kyc/callback"));
    System.out.println(s.url() + " " + s.referenceId());

    // 2. The customer comes back to your redirect_url.
    ConsentRedirect back = ConsentRedirect.parse(callback); // EkoValidationException if tampered
    if (!back.approved()) {
      System.out.println(back.denied() ? "the customer declined" : back.error());
      return;
    }

    // 3. The status, then the documents.
    try {
      VerificationStatus st = eko.getVerificationStatus(s.referenceId());
      Documents doc = eko.getDocument(s.referenceId(), back.verificationId());
      System.out.println(st.data().getUserDetails() + " " + doc.documents());
    } catch (EkoVerificationPendingException e) {
      System.out.println("not consented yet: " + e.code());
    } catch (EkoConsentDeniedException | EkoSessionExpiredException e) {
      System.out.println("the session ended: " + e.kind());
    } catch (EkoApiException e) {
      System.out.println("Eko said " + e.code() + ": " + e.ekoMessage());
    } catch (EkoTimeoutException e) {
      System.out.println("no answer within the deadline");
    } catch (EkoException e) { // EkoResponseException, EkoConnectionException...
      System.out.println(e.getMessage());
    }

    // Or wait for the customer instead of a redirect (a denied or expired session is a result).
    ConsentResult done = eko.waitForConsent(s.referenceId(), Duration.ofMinutes(10));
    System.out.println(done.state());

    // Every call has a CompletableFuture form.
    CompletableFuture<VerificationStatus> later = eko.getVerificationStatusAsync(s.referenceId());
    later.thenAccept(status -> System.out.println(status.data().getStatus()));
  }

  static void badInput(EkoClient eko) {
    try {
      eko.createDigilockerUrl(CreateInput.of("not a url"));
    } catch (EkoValidationException e) {
      System.out.println(e.fields()); // [redirect_url]: nothing was sent
    }
  }
}
