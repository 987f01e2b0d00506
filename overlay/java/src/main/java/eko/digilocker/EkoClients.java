package eko.digilocker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import eko.digilocker.client.ApiClient;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The generated client, set up for Eko (signed, redirects not followed, each answer kept as
 * sent for {@link Answers}), for code that calls {@code DigilockerApi} directly;
 * {@link EkoClient} is the SDK, with the answer rule, retries, deadlines and caps.
 */
public final class EkoClients {
  private EkoClients() {}

  /**
   * An {@link ApiClient} for {@code baseUri} (e.g. https://staging.eko.in/ekoapi/v3, or a local
   * sandbox's URL) that signs every request; pass it to {@code new DigilockerApi(client)}. Each
   * call gives up after {@code timeout} (the generated client sets none).
   */
  public static ApiClient apiClient(
      String baseUri, String developerKey, String accessKey, Duration timeout) {
    ApiClient client = new ApiClient();
    // keeps each answer as sent, for Answers (the generated client drops what it cannot decode)
    client.setHttpClientBuilder(
        new RecordingHttpClient.Builder(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)));
    client.updateBaseUri(baseUri);
    client.setRequestInterceptor(new EkoSigning(developerKey, accessKey));
    client.setObjectMapper(objectMapper());
    client.setConnectTimeout(timeout);
    client.setReadTimeout(timeout);
    return client;
  }

  /**
   * The generated client's ObjectMapper, told two things about Eko: `data: []` stands for an
   * empty object (what many backends send on errors), and a value of the wrong JSON type is
   * refused, not converted (Jackson would read {@code "status": "0"} as the success 0, and a
   * number where the spec says string as that string).
   */
  public static ObjectMapper objectMapper() {
    ObjectMapper mapper = ApiClient.createDefaultObjectMapper();
    mapper.enable(DeserializationFeature.ACCEPT_EMPTY_ARRAY_AS_NULL_OBJECT);
    mapper.coercionConfigDefaults().setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }
}
