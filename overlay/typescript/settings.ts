// EkoClient's settings from its options or the environment (the Python client's
// settings.py): options win over EKO_* variables, and every missing one is named at once.
import { EkoConfigurationError } from "./errors.js";
import { ENVIRONMENTS } from "./policy.js";

export const ENV_VARS = {
  developerKey: "EKO_DEVELOPER_KEY",
  accessKey: "EKO_ACCESS_KEY",
  initiatorId: "EKO_INITIATOR_ID",
  userCode: "EKO_USER_CODE",
} as const;
const DEFAULT_ENVIRONMENT = "uat";

export interface SettingsInput {
  developerKey?: string | undefined;
  accessKey?: string | undefined;
  initiatorId?: string | undefined;
  userCode?: string | undefined;
  /** e.g. the local sandbox's URL; or `environment` (not both) */
  baseUrl?: string | undefined;
  /** `uat` or `production` (the spec's `x-eko-environment` servers) */
  environment?: string | undefined;
}

export interface Settings {
  developerKey: string;
  accessKey: string;
  initiatorId: string;
  userCode: string | null;
  /** without a trailing slash */
  baseUrl: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** The target: `baseUrl` or `environment` (not both), else EKO_BASE_URL, else
 * EKO_ENVIRONMENT, else `uat`. */
export function resolveSettings(input: SettingsInput, env: Environment): Settings {
  for (const [name, value] of Object.entries(input)) {
    if (value !== undefined && typeof value !== "string") {
      throw new EkoConfigurationError(`${name} must be a string, not ${typeof value}`);
    }
  }
  const value = (name: keyof typeof ENV_VARS): string | null => input[name] || env[ENV_VARS[name]] || null;
  const values = {
    developerKey: value("developerKey"),
    accessKey: value("accessKey"),
    initiatorId: value("initiatorId"),
  };
  const missing = Object.entries(values)
    .filter(([, given]) => given === null)
    .map(([name]) => `${name} (or ${ENV_VARS[name as keyof typeof ENV_VARS]})`);
  if (missing.length > 0) {
    throw new EkoConfigurationError(`missing settings: ${missing.join(", ")}`);
  }
  checkKey("developerKey", values.developerKey ?? "");
  checkKey("accessKey", values.accessKey ?? "");
  return {
    developerKey: values.developerKey ?? "",
    accessKey: values.accessKey ?? "",
    initiatorId: values.initiatorId ?? "",
    userCode: value("userCode"),
    baseUrl: baseUrlOf(input.baseUrl, input.environment, env),
  };
}

/** Refuses a key a header cannot carry (CR, LF, NUL...), showing none of it. */
function checkKey(name: string, key: string): void {
  for (let position = 0; position < key.length; position += 1) {
    const c = key.charCodeAt(position);
    if (c <= 0x20 || c >= 0x7f) {
      throw new EkoConfigurationError(
        `${name} must be visible ASCII characters; character ${position + 1} of ${key.length} ` +
          "is not (the key is not shown)",
      );
    }
  }
}

/** `baseUrl` without a trailing slash, or the EkoConfigurationError saying what is wrong. */
export function checkBaseUrl(baseUrl: string): string {
  if (!baseUrl.includes("://")) {
    throw new EkoConfigurationError(`baseUrl ${JSON.stringify(baseUrl)} has no scheme: write it as http://... or https://...`);
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new EkoConfigurationError(`baseUrl ${JSON.stringify(baseUrl)} is not a valid URL`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "" || /\s/.test(baseUrl)) {
    throw new EkoConfigurationError(
      `baseUrl ${JSON.stringify(baseUrl)} must be an http:// or https:// URL with a host`,
    );
  }
  if (url.search !== "" || url.hash !== "") {
    throw new EkoConfigurationError(`baseUrl ${JSON.stringify(baseUrl)} may not have a query or fragment`);
  }
  return baseUrl.replace(/\/+$/, "");
}

function baseUrlOf(baseUrl: string | undefined, environment: string | undefined, env: Environment): string {
  if (baseUrl && environment) {
    throw new EkoConfigurationError(
      `give baseUrl or environment, not both (baseUrl ${JSON.stringify(baseUrl)}, environment ${JSON.stringify(environment)})`,
    );
  }
  // an explicit environment beats EKO_BASE_URL
  const url = environment ? undefined : baseUrl || env["EKO_BASE_URL"];
  if (url) return checkBaseUrl(url);
  const name = (environment || env["EKO_ENVIRONMENT"] || DEFAULT_ENVIRONMENT).toLowerCase();
  const known = ENVIRONMENTS.get(name);
  if (known === undefined) {
    throw new EkoConfigurationError(
      `unknown environment ${JSON.stringify(name)}: use one of ${[...ENVIRONMENTS.keys()].sort().join(", ")} or set baseUrl`,
    );
  }
  return known;
}
