package eko.digilocker;

import eko.digilocker.EkoValidationException.FieldError;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The customer's return to your redirect_url (the Python client's redirect.py says what each
 * source sends). Exactly one of {@link #approved()}, {@link #denied()} and a non-null
 * {@link #error()} holds; {@code referenceId} is null when the return does not carry it.
 */
public record ConsentRedirect(Long referenceId, String verificationId, boolean denied, String error) {
  /** The return URL comes from the customer's browser: at most this many characters are read. */
  public static final int MAX_LENGTH = 8192;
  private static final String OPERATION = "parseRedirect";
  private static final String OAUTH_DENIED = "access_denied";
  private static final String EKO_SUCCESS = "SUCCESS";

  public boolean approved() {
    return verificationId != null && !denied && error == null;
  }

  public static ConsentRedirect parse(URI uri) {
    return parse(uri.toString());
  }

  /** A full URL, or just its query ("reference_id=1&..." or "?reference_id=1&..."). */
  public static ConsentRedirect parse(String url) {
    if (url.length() > MAX_LENGTH) {
      throw invalid("url", "is longer than " + MAX_LENGTH + " characters");
    }
    String query = url;
    int hash = query.indexOf('#');
    if (hash >= 0) query = query.substring(0, hash);
    int mark = query.indexOf('?');
    if (mark >= 0) {
      query = query.substring(mark + 1);
    } else if (query.contains("://")) {
      query = "";
    }
    Map<String, Set<String>> params = new LinkedHashMap<>();
    for (String pair : query.split("[&;]")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = decode(eq < 0 ? "" : pair.substring(eq + 1));
      params.computeIfAbsent(name, k -> new HashSet<>()).add(value);
    }
    String reference = one(params, "reference_id");
    String verificationId = one(params, "verification_id");
    String status = one(params, "status");
    status = status == null ? "" : status.toUpperCase(Locale.ROOT);
    String errorCode = one(params, "error");
    String description = one(params, "error_description");
    if (verificationId != null && verificationId.isBlank()) {
      throw invalid("verification_id", "is empty");
    }
    boolean denied = status.equals(ConsentState.CONSENT_DENIED.name())
        || (errorCode != null && errorCode.toLowerCase(Locale.ROOT).equals(OAUTH_DENIED));
    String error = null;
    if (!denied) {
      if (errorCode != null) {
        error = description != null && !description.isEmpty() ? errorCode + ": " + description : errorCode;
      } else if (!status.isEmpty() && !status.equals(ConsentState.AUTHENTICATED.name()) && !status.equals(EKO_SUCCESS)) {
        error = "status " + status;
      } else if (verificationId == null) {
        error = "the return carries neither a verification_id nor a status";
      }
    }
    return new ConsentRedirect(referenceId(reference), verificationId, denied, error);
  }

  private static String decode(String text) {
    // strict UTF-8: percent-escapes that are not UTF-8 are refused, not replaced
    String plus = text.replace('+', ' ');
    try {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < plus.length(); i++) {
        char c = plus.charAt(i);
        if (c == '%' && isHex(plus, i + 1) && isHex(plus, i + 2)) {
          bytes.write(Integer.parseInt(plus.substring(i + 1, i + 3), 16));
          i += 2;
        } else {
          bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        }
      }
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw invalid("url", "has percent-escapes that are not UTF-8");
    }
  }

  private static boolean isHex(String s, int i) {
    return i < s.length() && Character.digit(s.charAt(i), 16) >= 0;
  }

  private static String one(Map<String, Set<String>> params, String name) {
    Set<String> values = params.getOrDefault(name, Set.of());
    if (values.size() > 1) {
      throw invalid(name, "has " + values.size() + " different values");
    }
    return values.isEmpty() ? null : values.iterator().next();
  }

  /** A positive whole number of at most the digits the spec allows a reference id, in 64 bits. */
  private static Long referenceId(String value) {
    if (value == null) return null;
    String text = value.strip();
    if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9') || text.chars().allMatch(c -> c == '0')) {
      throw invalid("reference_id", "must be a positive whole number");
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw invalid("reference_id", "is larger than a reference id can be (2^63-1)");
    }
  }

  private static EkoValidationException invalid(String field, String message) {
    return new EkoValidationException(OPERATION, List.of(new FieldError(field, message)));
  }

}
