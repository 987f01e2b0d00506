package eko.digilocker;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Where and as whom the client calls: arguments win over the {@code EKO_*} environment
 * variables, as the Python client's settings.py has it. Environments come from the spec's
 * servers ({@code x-eko-environment}).
 */
record Settings(Keys keys, String initiatorId, String userCode, String baseUrl) {
  static final String DEFAULT_ENVIRONMENT = "uat";

  static Settings resolve(Keys keys, String initiatorId, String userCode, String baseUrl, String environment,
      Function<String, String> env) {
    String developerKey = first(keys == null ? null : keys.developerKey(), env.apply("EKO_DEVELOPER_KEY"));
    String accessKey = first(keys == null ? null : keys.accessKey(), env.apply("EKO_ACCESS_KEY"));
    String initiator = first(initiatorId, env.apply("EKO_INITIATOR_ID"));
    String user = first(userCode, env.apply("EKO_USER_CODE"));
    List<String> missing = new ArrayList<>();
    if (developerKey == null) missing.add("developer_key (or EKO_DEVELOPER_KEY)");
    if (accessKey == null) missing.add("access_key (or EKO_ACCESS_KEY)");
    if (initiator == null) missing.add("initiator_id (or EKO_INITIATOR_ID)");
    if (!missing.isEmpty()) {
      throw new EkoConfigurationException("missing settings: " + String.join(", ", missing));
    }
    checkKey("developer_key", developerKey);
    checkKey("access_key", accessKey);
    return new Settings(new Keys(developerKey, accessKey), initiator, user, baseUrl(baseUrl, environment, env));
  }

  private static String first(String given, String fromEnv) {
    if (given != null && !given.isEmpty()) return given;
    return fromEnv == null || fromEnv.isEmpty() ? null : fromEnv;
  }

  /** A key a header cannot carry is refused without showing it. */
  private static void checkKey(String name, String key) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(c > ' ' && c < 0x7f)) {
        throw new EkoConfigurationException(name + " must be visible ASCII characters; character " + (i + 1)
            + " of " + key.length() + " is not (the key is not shown)");
      }
    }
  }

  /** Base URL of each Eko environment, from the spec's servers. */
  static Map<String, String> environments() {
    Map<String, String> known = new LinkedHashMap<>();
    for (JsonNode server : Spec.get().root.path("servers")) {
      if (server.has("x-eko-environment")) {
        known.put(server.get("x-eko-environment").asText(), server.get("url").asText());
      }
    }
    return known;
  }

  private static String baseUrl(String baseUrl, String environment, Function<String, String> env) {
    if (baseUrl != null && environment != null) {
      throw new EkoConfigurationException("give baseUrl or environment, not both");
    }
    if (environment == null) { // an explicit environment beats EKO_BASE_URL
      baseUrl = first(baseUrl, env.apply("EKO_BASE_URL"));
    }
    if (baseUrl != null) {
      return checkBaseUrl(baseUrl);
    }
    String name = first(environment, env.apply("EKO_ENVIRONMENT"));
    name = (name == null ? DEFAULT_ENVIRONMENT : name).toLowerCase(Locale.ROOT);
    Map<String, String> known = environments();
    if (!known.containsKey(name)) {
      throw new EkoConfigurationException("unknown environment '" + name + "': use one of " + known.keySet() + " or set baseUrl");
    }
    return known.get(name);
  }

  static String checkBaseUrl(String baseUrl) {
    try {
      URI uri = new URI(baseUrl);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new EkoConfigurationException("baseUrl '" + baseUrl + "' must be an http:// or https:// URL with a host");
      }
    } catch (URISyntaxException e) {
      throw new EkoConfigurationException("baseUrl '" + baseUrl + "' is not a valid URL: " + e.getMessage());
    }
    return baseUrl.replaceAll("/+$", "");
  }

  /** The first 4 and last 4 characters of a key, for logs. */
  static String mask(String key) {
    if (key == null) return "null";
    return key.length() <= 8 ? "***" : key.substring(0, 4) + "..." + key.substring(key.length() - 4);
  }
}
