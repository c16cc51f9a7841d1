/**
 * Liveness (`/health`) and readiness (`/readiness`: storage answers a ping and, when the Kafka
 * source is on, it has joined its consumer group; a rebalance in progress is still ready, as
 * records will flow again once it rejoins). Either failing answers 503 with the reason.
 */
import type { FastifyInstance } from 'fastify';
import type { KafkaSource } from '../sources/kafka-source.js';
import type { Storage } from '../storage/open-storage.js';

export function registerHealthRoutes(
  app: FastifyInstance,
  storage: Storage,
  kafka?: KafkaSource,
): void {
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/readiness', async (_request, reply) => {
    const ping = await storage.client.ping();
    const kafkaStatus = kafka?.status();
    const sources = kafkaStatus ? { sources: { kafka: kafkaStatus } } : {};
    if (!ping.success) {
      return reply.code(503).send({
        status: 'not ready',
        storage: storage.kind,
        reason: String(ping.error),
        ...sources,
      });
    }
    if (kafka && kafkaStatus && !kafka.isConsuming()) {
      return reply.code(503).send({
        status: 'not ready',
        storage: storage.kind,
        reason: `kafka source ${kafkaStatus.state}${kafkaStatus.lastError ? `: ${kafkaStatus.lastError}` : ''}`,
        ...sources,
      });
    }
    return { status: 'ready', storage: storage.kind, ...sources };
  });
}
