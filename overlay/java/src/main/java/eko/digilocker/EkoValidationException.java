package eko.digilocker;

import java.util.List;
import java.util.stream.Collectors;

/** The input does not match the spec; no byte was sent. */
public class EkoValidationException extends EkoException {
  private static final long serialVersionUID = 1L;

  /** One refused field ("document_requested[0]") and why, without echoing its value. */
  public record FieldError(String field, String message) {}

  private final String operation;
  private final List<FieldError> errors;

  public EkoValidationException(String operation, List<FieldError> errors) {
    super(operation + ": " + errors.stream().map(e -> e.field() + " " + e.message()).collect(Collectors.joining("; ")));
    this.operation = operation;
    this.errors = List.copyOf(errors);
  }

  public String operation() {
    return operation;
  }

  public List<FieldError> errors() {
    return errors;
  }

  /** The names of the refused fields, in order. */
  public List<String> fields() {
    return errors.stream().map(FieldError::field).distinct().toList();
  }
}
