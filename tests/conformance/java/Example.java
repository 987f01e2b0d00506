import eko.digilocker.Answer;
import eko.digilocker.Answers;
import eko.digilocker.EkoClients;
import eko.digilocker.client.ApiClient;
import eko.digilocker.client.ApiException;
import eko.digilocker.client.api.DigilockerApi;
import eko.digilocker.client.model.CreateDigilockerUrlRequest;
import eko.digilocker.client.model.DigilockerUrlPayload;
import eko.digilocker.client.model.DocumentType;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The example of docs/other-languages.md (tests/conformance/test_docs_examples.py keeps the two
 * the same); compiled with the runner, not run: it would call Eko's UAT.
 */
final class Example {
  private Example() {}

  static void createSession(String developerKey, String accessKey) throws ApiException {
    ApiClient client = EkoClients.apiClient(
        "https://staging.eko.in/ekoapi/v3", developerKey, accessKey, Duration.ofSeconds(30));
    DigilockerApi api = new DigilockerApi(client);

    CreateDigilockerUrlRequest body = new CreateDigilockerUrlRequest()
        .initiatorId("9962981729")
        .documentRequested(List.of(DocumentType.AADHAAR))
        .redirectUrl(URI.create("https://yourapp.example/kyc/callback"));
    Answer<DigilockerUrlPayload> answer = Answers.create(() -> api.createDigilockerUrlWithHttpInfo(body));
    switch (answer.outcome()) {
      case SUCCESS -> System.out.println(answer.data().getReferenceId()); // Long
      case PENDING, BUSINESS_ERROR -> System.out.println(answer.code() + " " + answer.message());
      default -> System.out.println("HTTP " + answer.httpStatus() + ": " + answer.message());
    }
  }
}
