package eko.digilocker;

/** No complete answer: the connection was refused, reset or dropped. */
public class EkoConnectionException extends EkoException {
  private static final long serialVersionUID = 1L;

  public EkoConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
