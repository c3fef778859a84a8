import { digAnswer, type DigAnswer } from './dig-answer.js';

/** One question put to both servers. */
export interface Question {
  name: string;
  type: string;
}

/**
 * Asks every question of both servers and lists where the rcode or answer RDATA (with owner and TTL)
 * differ, so a throughput ratio is never taken between servers that answer differently.
 */
export async function compareAnswers(
  questions: readonly Question[],
  ports: { causeway: number; knot: number },
): Promise<string[]> {
  const mismatches: string[] = [];
  for (const { name, type } of questions) {
    const causeway = await digAnswer(ports.causeway, name, type);
    const knot = await digAnswer(ports.knot, name, type);
    if (causeway.status === 'NO-ANSWER' || !sameAnswer(causeway, knot)) {
      mismatches.push(`${name} ${type}: causeway ${describe(causeway)} / knot ${describe(knot)}`);
    }
  }
  return mismatches;
}

function sameAnswer(a: DigAnswer, b: DigAnswer): boolean {
  return a.status === b.status && a.records.join('\n') === b.records.join('\n');
}

function describe(answer: DigAnswer): string {
  return `${answer.status} [${answer.records.join('; ')}]`;
}
