package eko.digilocker;

/** A required setting is missing or invalid; no request was made. */
public class EkoConfigurationException extends EkoException {
  private static final long serialVersionUID = 1L;

  public EkoConfigurationException(String message) {
    super(message);
  }
}
