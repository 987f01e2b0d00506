package eko.digilocker;

/** Eko's developer_key and access_key (the access key signs; it is never sent). */
public record Keys(String developerKey, String accessKey) {
  @Override
  public String toString() {
    return "Keys[developerKey=" + Settings.mask(developerKey) + ", accessKey=***]";
  }
}
