// Prometheus metrics, one registry per app instance (tests build many apps in one process).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  ingestEvents: Counter<'result'>;
  ingestBatchSeconds: Histogram<'status'>;
  frameBuildSeconds: Histogram;
  wallsConnected: Gauge;
  framesSent: Counter;
  heartbeatsSent: Counter;
  regionIntervals: Counter;
  wallJoins: Counter<'how'>;
  storeErrors: Counter<'op'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

// 1 ms resolution: prom-client's default loop-lag metric samples at 10 ms, too coarse for a
// 50 ms p99 target.
const LOOP_RESOLUTION_MS = 1;

// The max gauge is registered first: both read one window and the p99 collector resets it.
function loopDelayGauge(registry: Registry, histogram: IntervalHistogram): void {
  new Gauge({
    name: 'zhdj_event_loop_delay_max_seconds',
    help: 'Event-loop delay maximum over the interval since the previous scrape',
    registers: [registry],
    collect() {
      this.set(histogram.count > 0 ? histogram.max / 1e9 : 0);
    },
  });
  new Gauge({
    name: 'zhdj_event_loop_delay_p99_seconds',
    help: 'Event-loop delay p99 over the interval since the previous scrape',
    registers: [registry],
    collect() {
      const p99 = histogram.count > 0 ? histogram.percentile(99) / 1e9 : 0;
      this.set(p99);
      histogram.reset();
    },
  });
}

export default fp(
  async (fastify) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    loop.enable();
    loopDelayGauge(registry, loop);
    const metrics: Metrics = {
      registry,
      ingestEvents: new Counter({
        name: 'zhdj_ingest_events_total',
        help: 'Ingested events by result (accepted, duplicate, rejected, unavailable)',
        labelNames: ['result'],
        registers: [registry],
      }),
      ingestBatchSeconds: new Histogram({
        name: 'zhdj_ingest_batch_seconds',
        help: 'POST /api/v1/events handling time per batch, parse to durable',
        labelNames: ['status'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [registry],
      }),
      frameBuildSeconds: new Histogram({
        name: 'zhdj_frame_build_seconds',
        help:
          "Per region and frame tick: from the start of the tick's store read (every region at one instant) " +
          "until the region's frame is diffed and ready to emit",
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
        registers: [registry],
      }),
      wallsConnected: new Gauge({
        name: 'zhdj_walls_connected',
        help: 'Walls connected to this process',
        registers: [registry],
      }),
      framesSent: new Counter({
        name: 'zhdj_frames_total',
        help: 'Frames built (one per region per interval with changes)',
        registers: [registry],
      }),
      heartbeatsSent: new Counter({
        name: 'zhdj_heartbeats_total',
        help: 'Heartbeats sent (one per region per interval without a frame, by its builder)',
        registers: [registry],
      }),
      regionIntervals: new Counter({
        name: 'zhdj_region_intervals_total',
        help:
          'Region-intervals this process served as the region builder (a frame or a heartbeat); ' +
          'summed over the fleet, one per region with walls per interval',
        registers: [registry],
      }),
      wallJoins: new Counter({
        name: 'zhdj_wall_joins_total',
        help:
          'Wall connections by what they got: snapshot, frames (caught up from the seq it held), ' +
          'recovered (Socket.IO connection state recovery)',
        labelNames: ['how'],
        registers: [registry],
      }),
      storeErrors: new Counter({
        name: 'zhdj_store_errors_total',
        help: 'Store operations that failed',
        labelNames: ['op'],
        registers: [registry],
      }),
    };
    // the embedded store's dedupe index: the one structure that grows with the events kept
    for (const [name, field, help] of [
      ['zhdj_dedupe_ids', 'ids', 'Event ids in the dedupe index held in this process (embedded store)'],
      ['zhdj_dedupe_bytes', 'bytes', 'Bytes of the dedupe index held in this process (embedded store)'],
    ] as const) {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(fastify.hasDecorator('store') ? (fastify.store.dedupeMemory?.()[field] ?? 0) : 0);
        },
      });
    }
    fastify.decorate('metrics', metrics);
    fastify.addHook('onClose', async () => {
      loop.disable();
      registry.clear();
    });
  },
  { name: 'metrics' },
);
