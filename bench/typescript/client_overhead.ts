// What EkoClient's deadline, read limit, retry bookkeeping, input checks and answer rule
// cost per call: EkoClient.createDigilockerUrl against an honest floor, a bare
// openapi-fetch POST signed inside a custom fetch with its envelope parsed, both on the
// same in-process mock fetch with the same answer, interleaved round by round.
//   node build/typescript/bench/typescript/client_overhead.js ROUNDS CALLS
// prints one JSON line: ours_us, floor_us (medians of CPU time per call), ratio (the
// median of the rounds' ratios), and
// unsigned_us (openapi-fetch with no signing, for scale).
import createClient from "openapi-fetch";
import type { paths } from "../../generated/typescript/eko-digilocker.js";
import { EkoClient, signSecretKey } from "../../overlay/typescript/index.js";

const KEYS = { developerKey: "becbbce45f79c6f5109f848acd540567", accessKey: "d2fe1d99-6298-4af2-8cc5-d97dcf46df30" };
const INITIATOR = { initiator_id: "9962981729", user_code: "20810200" };
const BASE_URL = "https://eko.test/v3";
const REDIRECT_URL = "https://yourapp.com/kyc/callback";
const ANSWER = JSON.stringify({
  status: 0,
  message: "DigiLocker URL created successfully",
  response_status_id: 0,
  response_type_id: 1388,
  data: {
    reference_id: 7483920,
    url: "https://digilocker.gov.in/auth?session_id=abc123xyz",
    document_requested: ["AADHAAR"],
    redirect_url: REDIRECT_URL,
    verification_id: "vrf_digilocker_abc123",
  },
});
const HEADERS = { "content-type": "application/json" };

/** The mock: every call answers the same success. */
const mock = async (): Promise<Response> => new Response(ANSWER, { status: 200, headers: HEADERS });

const ours = new EkoClient({ ...KEYS, initiatorId: INITIATOR.initiator_id, userCode: INITIATOR.user_code, baseUrl: BASE_URL, fetch: mock, env: {} });

const floor = createClient<paths>({
  baseUrl: BASE_URL,
  fetch: async (request: Request) => {
    const timestamp = String(Date.now());
    request.headers.set("developer_key", KEYS.developerKey);
    request.headers.set("secret-key-timestamp", timestamp);
    request.headers.set("secret-key", signSecretKey(KEYS.accessKey, timestamp));
    return mock();
  },
});
const unsigned = createClient<paths>({ baseUrl: BASE_URL, fetch: mock });
const body = { ...INITIATOR, document_requested: ["AADHAAR" as const], redirect_url: REDIRECT_URL };

async function oursCall(): Promise<void> {
  const session = await ours.createDigilockerUrl({ redirectUrl: REDIRECT_URL });
  if (session.reference_id !== 7483920n) throw new Error("ours: wrong answer");
}

async function floorCall(): Promise<void> {
  const { data } = await floor.POST("/tools/kyc/digilocker", { body });
  if (data?.status !== 0 || data.data?.reference_id !== 7483920) throw new Error("floor: wrong answer");
}

async function unsignedCall(): Promise<void> {
  const { data } = await unsigned.POST("/tools/kyc/digilocker", { body });
  if (data?.status !== 0) throw new Error("unsigned: wrong answer");
}

/** CPU microseconds per call over `calls` calls. */
async function time(call: () => Promise<void>, calls: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i += 1) await call();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const [rounds = 15, calls = 2000] = process.argv.slice(2).map(Number);
const measured = { ours: [] as number[], floor: [] as number[], unsigned: [] as number[] };
for (const call of [oursCall, floorCall, unsignedCall]) await time(call, calls); // warm up
for (let round = 0; round < rounds; round += 1) {
  // each round in a different order, so that neither side always runs first
  const order: (keyof typeof measured)[] = round % 2 === 0 ? ["ours", "floor", "unsigned"] : ["floor", "unsigned", "ours"];
  for (const name of order) {
    const call = name === "ours" ? oursCall : name === "floor" ? floorCall : unsignedCall;
    measured[name].push(await time(call, calls));
  }
}
// the ratio: the median of each round's ratio, as bench/timing.py makes Python's
const ratio = median(measured.ours.map((ours, round) => ours / (measured.floor[round] ?? ours)));
console.log(
  JSON.stringify({
    ours_us: median(measured.ours),
    floor_us: median(measured.floor),
    ratio,
    unsigned_us: median(measured.unsigned),
  }),
);
