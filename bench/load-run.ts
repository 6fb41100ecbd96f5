/**
 * Runs one load plan: `connections` keep-alive connections, each sending its next request as soon
 * as the previous one is answered (closed loop), for warm-up + duration. At the end no new request
 * is sent and every in-flight one is awaited (up to `drainTimeoutMs`), so the totals say exactly
 * which events were acknowledged.
 */
import { HttpConnection } from './http-connection.js';
import { LatencyRecorder } from './latency.js';
import type { LoadPlan, LoadResult } from './load-plan.js';
import { createTraffic, type TrafficEventType } from './traffic.js';

const SINGLE_PATHS: Record<TrafficEventType, string> = { identify: '/v1/identify', page: '/v1/page', track: '/v1/track' };

export async function runLoad(plan: LoadPlan, drainTimeoutMs = 30_000): Promise<LoadResult> {
  const traffic = createTraffic(plan.traffic);
  const auth = `Basic ${Buffer.from(`${plan.writeKey}:`).toString('base64')}`;
  const fixedHead = `HTTP/1.1\r\nHost: ${plan.host}:${plan.port}\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: `;
  const nextRequest = (): { head: Buffer; body: Buffer; events: number } => {
    const iso = new Date().toISOString();
    let path = '/v1/batch';
    let body: Buffer;
    let events = plan.batchSize;
    if (plan.scenario === 'batched') body = traffic.batch(plan.batchSize, iso);
    else {
      const event = traffic.event(iso);
      path = SINGLE_PATHS[event.type];
      body = event.body;
      events = 1;
    }
    return { head: Buffer.from(`POST ${path} ${fixedHead}${body.length}\r\n\r\n`, 'latin1'), body, events };
  };

  const latency = new LatencyRecorder();
  const window = { requests: 0, okRequests: 0, okEvents: 0, bodyBytes: 0 };
  const totals = { requests: 0, okRequests: 0, okEvents: 0, non2xx: {} as Record<string, number>, transportErrors: 0, unanswered: 0 };
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const measureFrom = startedAt + plan.warmupMs;
  const stopAt = measureFrom + plan.durationMs;
  let inFlight = 0;

  const connections = Array.from({ length: plan.connections }, () => new HttpConnection(plan.host, plan.port));
  const loop = async (connection: HttpConnection) => {
    while (performance.now() < stopAt) {
      const request = nextRequest();
      const sent = performance.now();
      let status = 0;
      inFlight++;
      try {
        status = await connection.request(request.head, request.body);
      } catch {
        totals.transportErrors++;
      }
      inFlight--;
      const done = performance.now();
      const ok = status >= 200 && status < 300;
      totals.requests++;
      if (ok) { totals.okRequests++; totals.okEvents += request.events; }
      else if (status !== 0) totals.non2xx[status] = (totals.non2xx[status] ?? 0) + 1;
      if (done >= measureFrom && done <= stopAt) {
        window.requests++;
        window.bodyBytes += request.body.length;
        latency.record(done - sent);
        if (ok) { window.okRequests++; window.okEvents += request.events; }
      }
      if (status === 0) await new Promise((r) => setTimeout(r, 10)); // the server went away: do not spin
    }
  };

  const finished = Promise.all(connections.map(loop));
  const drainDeadline = new Promise<'timeout'>((resolve) => {
    const wait = () => (performance.now() >= stopAt ? setTimeout(() => resolve('timeout'), drainTimeoutMs).unref() : setTimeout(wait, 100).unref());
    wait();
  });
  if ((await Promise.race([finished, drainDeadline])) === 'timeout') totals.unanswered = inFlight;
  for (const c of connections) c.close();

  const cpu = process.cpuUsage(cpuBefore);
  const seconds = plan.durationMs / 1000;
  return {
    scenario: plan.scenario,
    connections: plan.connections,
    window: {
      seconds,
      requests: window.requests,
      okRequests: window.okRequests,
      okEvents: window.okEvents,
      requestsPerSecond: window.okRequests / seconds,
      eventsPerSecond: window.okEvents / seconds,
      latencyMs: latency.summary(),
      bodyBytes: window.requests === 0 ? 0 : Math.round(window.bodyBytes / window.requests),
    },
    totals: { ...totals, non2xx: { ...totals.non2xx } },
    generatorCpuShare: (cpu.user + cpu.system) / 1000 / (performance.now() - startedAt),
  };
}
