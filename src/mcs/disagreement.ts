/** The tail of every conflict message, in the KEP's words: `2/5 clusters disagree.` */
export function disagreement(disagreeing: number, total: number): string {
  return `${disagreeing}/${total} clusters disagree.`;
}
