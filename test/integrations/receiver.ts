import { afterEach } from "vitest";
import { webhookTransport } from "../../workers/integrations/webhook-consumer";

/**
 * The receiver is a local function behind the consumer's transport seam: the test runner's workerd has
 * no outbound fetch mock (vitest-pool-workers 1.5 dropped fetchMock), and the consumer runs in this
 * isolate, so replacing `webhookTransport.fetch` intercepts each real delivery of the real queue.
 * Importing this module puts the real transport back after every test.
 */
export type Received = { headers: Record<string, string>; body: string };

const realFetch = webhookTransport.fetch;
afterEach(() => {
  webhookTransport.fetch = realFetch;
});

/** Records every delivery and answers the n-th with `answers[n]` (200 once they run out). */
export function receiver(answers: number[] = []): Received[] {
  const received: Received[] = [];
  webhookTransport.fetch = async (request) => {
    received.push({ headers: Object.fromEntries(request.headers), body: await request.text() });
    return new Response(null, { status: answers[received.length - 1] ?? 200 });
  };
  return received;
}
