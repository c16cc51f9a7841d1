/** Test helper: a diagnostics logger for the Kafka transport that drops every line. */
export const silentLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};
