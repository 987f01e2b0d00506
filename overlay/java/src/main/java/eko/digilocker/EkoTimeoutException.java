package eko.digilocker;

/** The call's deadline passed (it covers every attempt, every wait and every body byte). */
public class EkoTimeoutException extends EkoConnectionException {
  private static final long serialVersionUID = 1L;

  public EkoTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
