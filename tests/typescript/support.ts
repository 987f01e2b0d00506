// Shared by the TypeScript tests: the repository's files and a real sandbox process.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The repository root (tests run compiled, from build/typescript/tests/typescript). */
export const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export function readJson(relativePath: string): unknown {
  return JSON.parse(readFileSync(ROOT + relativePath, "utf8"));
}

/** Eko's public UAT keys: the local sandbox's default credentials (FACTS.md). */
export const UAT_KEYS = {
  developerKey: "becbbce45f79c6f5109f848acd540567",
  accessKey: "d2fe1d99-6298-4af2-8cc5-d97dcf46df30",
};
export const INITIATOR = { initiator_id: "9962981729", user_code: "20810200" };

export interface Sandbox {
  baseUrl: string;
  stop(): Promise<void>;
}

/** Starts `eko-digilocker sandbox --port 0 [options]` as a user would; its first stdout
 * line is the URL. */
export async function startSandbox(options: string[] = []): Promise<Sandbox> {
  const command = ROOT + ".venv/bin/eko-digilocker";
  const child: ChildProcess = spawn(command, ["sandbox", "--port", "0", ...options], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const stdout = child.stdout;
  if (stdout === null) {
    throw new Error("no stdout from the sandbox process");
  }
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${stderr}`)), 30_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${command} (run \`make setup\`): ${error.message}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with ${code}: ${stderr}`));
    });
    createInterface({ input: stdout }).once("line", (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
  });
  return {
    baseUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
