/** Traffic generator: sends applicants to the service with bounded concurrency, then labels. */
import { createRandom, generateApplicant, trueOutcome, type Period } from './applicants.js';

export interface PhaseResult {
  readonly period: Period;
  readonly fromMs: number;
  readonly toMs: number;
  readonly predictions: number;
  readonly labels: number;
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/**
 * Sends `count` scoring requests for one period, then (late, after all predictions) the
 * ground truth for each through `POST /labels`. The window covers the predictions' times.
 */
export async function runPhase(
  serviceUrl: string,
  period: Period,
  count: number,
  seed: number,
  concurrency = 16,
): Promise<PhaseResult> {
  const random = createRandom(seed);
  const outcomes: Array<{ predictionId: string; label: 0 | 1 }> = [];
  const fromMs = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const applicant = generateApplicant(random, period);
      const label = trueOutcome(random, applicant, period);
      const answer = (await postJson(`${serviceUrl}/predict`, applicant)) as {
        predictionId: string;
      };
      outcomes.push({ predictionId: answer.predictionId, label });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const toMs = Date.now() + 1;
  for (let i = 0; i < outcomes.length; i += 1000)
    await postJson(`${serviceUrl}/labels`, outcomes.slice(i, i + 1000));
  return { period, fromMs, toMs, predictions: count, labels: outcomes.length };
}
